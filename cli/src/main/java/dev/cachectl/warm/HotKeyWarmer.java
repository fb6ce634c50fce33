package dev.cachectl.warm;

import dev.cachectl.batch.BatchSettings;
import dev.cachectl.config.Endpoint;
import dev.cachectl.batch.RateLimiter;
import dev.cachectl.progress.ProgressListener;
import dev.cachectl.redis.ConnectionLoss;
import dev.cachectl.redis.KeyCopier;
import dev.cachectl.redis.OwnReads;
import dev.cachectl.redis.RedisClients;
import dev.cachectl.redis.RedisInfo;
import dev.cachectl.warm.sink.DryRunSink;
import dev.cachectl.warm.sink.RedisTarget;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Warms from another Redis: ranks its keys, then copies the hottest with their TTLs in pipelined
 * batches through {@link KeyCopier}. With NX a key the target already has is left as it is.
 * One thread: N is small next to a file's records, and the source is read in the same pipelines.
 */
final class HotKeyWarmer {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final BatchSettings settings;
    private final ProgressListener progress;

    private final OwnReads ownReads;

    HotKeyWarmer(BatchSettings settings, ProgressListener progress, OwnReads ownReads) {
        this.settings = settings;
        this.progress = progress;
        this.ownReads = ownReads;
    }

    /** Returns how the keys were ranked, for the summary. */
    /** {@code targetEndpoint}: where {@code target} writes, to name it if its connection breaks. */
    String run(WarmJob.HotKeys hot, RedisTarget target, Endpoint targetEndpoint, boolean nx, Tally tally,
               DryRunSink.Sample sample) {
        try (Jedis source = RedisClients.open(hot.endpoint(), TIMEOUT)) {
            HotKeyRanker.Ranking ranking;
            String runId;
            try {
                runId = RedisInfo.parse(source.info("server")).get("run_id");
                ranking = HotKeyRanker.rank(source, hot.top());
            } catch (JedisException e) {
                throw RedisClients.translate(hot.endpoint(), e);
            }
            String server = hot.endpoint().host() + ":" + hot.endpoint().port();
            // OBJECT FREQ/IDLETIME counts a hit for a key it finds and a miss for one gone since SCAN
            ownReads.add(server, runId, ranking.scanned(), ranking.lookups() - ranking.scanned());
            String how = "hot keys: the " + ranking.keys().size() + " hottest of " + ranking.scanned() + ", ranked by "
                    + (ranking.by() == HotKeyRanker.By.lfu ? "OBJECT FREQ (LFU policy)" : "OBJECT IDLETIME (no LFU policy)");
            List<HotKeyRanker.Ranked> keys = ranking.keys();
            if (sample != null) {
                for (HotKeyRanker.Ranked r : keys) {
                    sample.offer("COPY " + new String(r.key(), StandardCharsets.UTF_8)
                            + (ranking.by() == HotKeyRanker.By.lfu ? " (freq " : " (idle ") + r.score()
                            + (ranking.by() == HotKeyRanker.By.lfu ? ")" : "s)") + (nx ? " if absent" : ""));
                }
                tally.read.add(keys.size());
                return how;
            }
            long[] copyReads = copy(source, hot, keys, target, targetEndpoint, nx, tally);
            ownReads.add(server, runId, copyReads[0], copyReads[1]);
            return how;
        }
    }

    /** Copies the keys; returns the keyspace {hits, misses} its reads (PTTL and DUMP per key) caused on the source. */
    private long[] copy(Jedis source, WarmJob.HotKeys hot, List<HotKeyRanker.Ranked> keys, RedisTarget target,
                        Endpoint targetEndpoint, boolean nx, Tally tally) {
        long[] reads = new long[2];
        RateLimiter limiter = RateLimiter.perSecond(settings.ratePerSecond());
        try (AbstractPipeline pipeline = target.pipeline()) {
            for (int from = 0; from < keys.size() && !tally.stopped(); from += settings.batch()) {
                List<byte[]> chunk = keys.subList(from, Math.min(keys.size(), from + settings.batch())).stream()
                        .map(HotKeyRanker.Ranked::key).toList();
                limiter.acquire(chunk.size());
                tally.read.add(chunk.size());
                KeyCopier.Result result;
                try {
                    result = KeyCopier.copy(source, chunk, !nx, pipeline);
                } catch (JedisDataException e) {
                    tally.lost("copy failed: " + e.getMessage(), chunk.size());
                    break;
                } catch (JedisException e) {
                    // the chunk is read from the source and written to the target: name the side that broke
                    String side = source.getConnection().isBroken() ? "source " + hot.endpoint() : "target " + targetEndpoint;
                    tally.lost("lost the connection to " + side + ": " + ConnectionLoss.what(e), chunk.size());
                    break;
                }
                reads[0] += 2L * (chunk.size() - result.expired());
                reads[1] += 2L * result.expired();
                tally.written.add(result.copied());
                tally.skipped.add(result.skipped() + result.expired());
                for (KeyCopier.Failure f : result.failures()) {
                    tally.failed(0, new String(f.key(), StandardCharsets.UTF_8) + ": " + f.error());
                }
                progress.advanced(chunk.size(), 0);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            tally.stop("interrupted");
        } catch (JedisException e) {
            // closing a pipeline whose connection broke; the loss is already counted
        }
        return reads;
    }
}
