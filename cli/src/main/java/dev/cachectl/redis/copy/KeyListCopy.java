package dev.cachectl.redis.copy;

import dev.cachectl.migrate.KeySelection;
import dev.cachectl.migrate.MigrationPlan;
import dev.cachectl.batch.BatchSettings;
import dev.cachectl.batch.RateLimiter;
import dev.cachectl.config.Endpoint;
import dev.cachectl.progress.ProgressListener;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Migrate's copy of a given list of keys, for callers that choose the keys themselves ({@code warm
 * --top}): the same per-key copy as {@code migrate}'s default mode (PTTL read once and written as an
 * absolute expiry, DUMP/RESTORE in size-capped groups, big keys and payloads the target cannot read
 * copied by type in chunks), from one standalone source server into a server or a cluster.
 * Connection losses and errors that stop a migration are thrown as they are by migrate.
 */
public final class KeyListCopy implements AutoCloseable {

    /** Totals so far; {@code failures}: each reason with its count and an example key. */
    public record Totals(long copied, long skippedExisting, long expired, long failed, Map<String, Long> failures,
                         long ownHits, long ownMisses) {
    }

    private final Counters counters = new Counters();
    private final Target target;
    private final CopyWorker worker;
    private final StreamProgress stream;
    private final RateLimiter rate;

    /**
     * {@code runId}: the source server's run_id; {@code replace}: false leaves a key the target has;
     * {@code rate}: keys per second, shared with the caller.
     */
    public KeyListCopy(Endpoint source, String runId, Endpoint targetEndpoint, boolean replace, BatchSettings batch,
                       RateLimiter rate, ProgressListener progress) {
        MigrationPlan plan = new MigrationPlan(source, targetEndpoint, List.of(source.db()),
                Map.of(source.db(), targetEndpoint.db()), new KeySelection(List.of(), List.of(), Set.of(), null, null),
                replace, MigrationPlan.Mode.auto, MigrationPlan.Reader.scan, 1000, 10_000, 64L << 20, null, false,
                MigrationPlan.Verify.none, Duration.ofSeconds(1), false, batch);
        this.target = Target.open(targetEndpoint, plan.timeouts());
        this.rate = rate;
        this.worker = new CopyWorker(plan, target, counters, progress, () -> false);
        this.stream = new StreamProgress(new SourceNode(source.host() + ":" + source.port(), source), source.db(), runId,
                0, "0", false);
    }

    /** Copies {@code keys} (a missing one counts as expired). */
    public void copy(List<byte[]> keys) throws InterruptedException {
        rate.acquire(keys.size());
        worker.copy(stream, keys);
    }

    public Totals totals() {
        long[] own = new long[2];
        counters.ownReads.values().forEach(hm -> {
            own[0] += hm[0].sum();
            own[1] += hm[1].sum();
        });
        return new Totals(counters.copied.sum(), counters.skippedExisting.sum(), counters.expired.sum(),
                counters.failed.sum(), counters.failureReasons(), own[0], own[1]);
    }

    @Override
    public void close() {
        try {
            worker.close();
        } finally {
            target.close();
        }
    }
}
