package dev.cachectl.warm;

import dev.cachectl.CachectlException;
import dev.cachectl.batch.BatchSettings;
import dev.cachectl.config.Endpoint;
import dev.cachectl.batch.RateLimiter;
import dev.cachectl.redis.copy.KeyListCopy;
import dev.cachectl.progress.ProgressListener;
import dev.cachectl.redis.ConnectionLoss;
import dev.cachectl.redis.OwnReads;
import dev.cachectl.redis.RedisClients;
import dev.cachectl.redis.RedisInfo;
import dev.cachectl.warm.sink.DryRunSink;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Warms from another Redis: ranks its keys, then copies the hottest in batches with migrate's copy
 * ({@link KeyListCopy}: absolute expiries, big keys in chunks, a type-by-type copy when the target
 * cannot read a payload). With NX a key the target already has is left as it is. One thread: N is
 * small next to a file's records.
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

    /** Copies the hottest keys of {@code hot} to {@code targetEndpoint}; returns how they were ranked, for the summary. */
    String run(WarmJob.HotKeys hot, Endpoint targetEndpoint, boolean nx, Tally tally,
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
            long[] copyReads = copy(hot, runId, keys, targetEndpoint, nx, tally);
            ownReads.add(server, runId, copyReads[0], copyReads[1]);
            return how;
        }
    }

    /**
     * Copies the keys with migrate's copy ({@link KeyListCopy}); returns the keyspace {hits, misses} its
     * reads caused on the source.
     */
    private long[] copy(WarmJob.HotKeys hot, String runId, List<HotKeyRanker.Ranked> keys, Endpoint targetEndpoint,
                        boolean nx, Tally tally) {
        RateLimiter limiter = RateLimiter.perSecond(settings.ratePerSecond());
        KeyListCopy.Totals totals = null;
        try (KeyListCopy copy = new KeyListCopy(hot.endpoint(), runId, targetEndpoint, !nx, settings, limiter, progress)) {
            try {
                for (int from = 0; from < keys.size() && !tally.stopped(); from += settings.batch()) {
                    List<byte[]> chunk = keys.subList(from, Math.min(keys.size(), from + settings.batch())).stream()
                            .map(HotKeyRanker.Ranked::key).toList();
                    tally.read.add(chunk.size());
                    try {
                        copy.copy(chunk);
                    } catch (CachectlException | JedisException e) {
                        KeyListCopy.Totals now = copy.totals();
                        long handled = now.copied() + now.skippedExisting() + now.expired() + now.failed();
                        tally.lost(e instanceof CachectlException ? e.getMessage() : "copy failed: " + ConnectionLoss.what(e),
                                (int) Math.max(0, tally.read.sum() - handled));
                        tally.causedBy(e instanceof CachectlException ? e.getCause() : e);
                        break;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                tally.stop("interrupted");
            }
            totals = copy.totals();
        } catch (JedisException e) {
            // closing connections that broke; the loss is already counted
        }
        if (totals == null) {
            return new long[2];
        }
        tally.written.add(totals.copied());
        tally.skipped.add(totals.skippedExisting() + totals.expired());
        totals.failures().forEach((reason, count) -> {
            for (long i = 0; i < count; i++) {
                tally.failed(0, reason);
            }
        });
        return new long[] {totals.ownHits(), totals.ownMisses()};
    }
}
