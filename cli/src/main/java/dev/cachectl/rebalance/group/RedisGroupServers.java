package dev.cachectl.rebalance.group;

import dev.cachectl.CachectlException;
import dev.cachectl.batch.BatchSettings;
import dev.cachectl.config.Endpoint;
import dev.cachectl.migrate.KeySelection;
import dev.cachectl.migrate.MigrationPlan;
import dev.cachectl.migrate.CopyRun;
import dev.cachectl.migrate.MigrationSummary;
import dev.cachectl.redis.copy.RedisMigration;
import dev.cachectl.progress.ProgressListener;
import dev.cachectl.redis.RedisClients;
import dev.cachectl.redis.RedisInfo;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A group of standalone Redis instances: INFO memory for how full each is, SCAN MATCH with sampled
 * MEMORY USAGE for a category's size, and migrate's engine as a move (copy, then delete from the
 * source only keys unchanged since they were copied) with a checkpoint per category, so an
 * interrupted move resumes where it stopped.
 */
public final class RedisGroupServers implements GroupServers {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int SCAN_COUNT = 1000;

    private final Path home;
    private final String group;
    private final ProgressListener progress;
    /** The move under way, so that Ctrl-C stops it with its checkpoint saved. */
    private volatile CopyRun current;
    private volatile String cancelled;

    public RedisGroupServers(Path home, String group, ProgressListener progress) {
        this.home = home;
        this.group = group;
        this.progress = progress;
    }

    @Override
    public Load load(Endpoint instance) {
        try (Jedis jedis = RedisClients.open(instance, TIMEOUT)) {
            RedisInfo memory = RedisInfo.parse(jedis.info("memory"));
            return new Load(memory.number("used_memory"), memory.number("maxmemory"));
        } catch (JedisException e) {
            throw RedisClients.translate(instance, e);
        }
    }

    @Override
    public Size measure(Endpoint instance, String prefix, int samples) {
        ScanParams params = new ScanParams().match(glob(prefix) + "*").count(SCAN_COUNT);
        long keys = 0;
        long sampled = 0;
        long sampledBytes = 0;
        try (Jedis jedis = RedisClients.open(instance, TIMEOUT)) {
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = jedis.scan(cursor, params);
                for (String key : page.getResult()) {
                    keys++;
                    if (sampled < samples) {
                        Long bytes = jedis.memoryUsage(key);
                        if (bytes != null) {
                            sampled++;
                            sampledBytes += bytes;
                        }
                    }
                }
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        } catch (JedisException e) {
            throw RedisClients.translate(instance, e);
        }
        return new Size(keys, sampled == 0 ? 0 : Math.round((double) sampledBytes / sampled * keys));
    }

    @Override
    public Moved move(String category, Endpoint from, Endpoint to, String prefix) {
        Path checkpoint = home.resolve("groups").resolve(group + "." + category + ".checkpoint.json");
        boolean resume = Files.isRegularFile(checkpoint);
        MigrationPlan plan = new MigrationPlan(from, to, List.of(from.db()), Map.of(from.db(), to.db()),
                new KeySelection(List.of(glob(prefix) + "*"), List.of(), Set.of(), null, null), true,
                MigrationPlan.Mode.auto, MigrationPlan.Reader.scan, SCAN_COUNT, 10_000, 64L << 20, checkpoint, resume,
                MigrationPlan.Verify.none, Duration.ofSeconds(1), true, new BatchSettings(100, 2, 0, false));
        MigrationSummary summary;
        CachectlException fatal;
        try (RedisMigration migration = RedisMigration.open(plan, home)) {
            CopyRun run = new CopyRun(migration, progress);
            current = run;
            if (cancelled != null) {
                run.cancel(cancelled);
            }
            CopyRun.Result result = run.run();
            summary = (MigrationSummary) result.summary();
            fatal = result.fatal();
        }
        long left = measure(from, prefix, 0).keys();
        return new Moved(summary.outcome(), summary.copied(), summary.deletedFromSource(), left, summary.stoppedBecause(),
                fatal == null ? null : fatal.getCause());
    }

    /** Stops the move under way after its in-flight batches, its checkpoint saved (Ctrl-C, SIGTERM). */
    public void cancel(String why) {
        cancelled = why;
        CopyRun run = current;
        if (run != null) {
            run.cancel(why);
        }
    }

    /** The prefix as a SCAN MATCH pattern matching it literally. */
    static String glob(String prefix) {
        return prefix.replaceAll("([*?\\[\\]\\\\])", "\\\\$1");
    }

}
