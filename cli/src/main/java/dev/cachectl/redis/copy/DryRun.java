package dev.cachectl.redis.copy;

import dev.cachectl.migrate.KeySelection;
import dev.cachectl.migrate.MigrationPlan;
import dev.cachectl.migrate.MigrationSummary;
import dev.cachectl.redis.RedisClients;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code --dry-run}: counts the keys the filters select (a full SCAN, nothing written), estimates
 * their size from {@code MEMORY USAGE} of a sample, and the time: for nodes read by SCAN from how
 * long reading the sample's payloads took, spread over the worker threads; for nodes read from a
 * snapshot at {@link #SNAPSHOT_KEYS_PER_SECOND} (what scripts/bench/migrate measures, rounded down)
 * plus the source's diskless delay.
 */
final class DryRun {
    private static final int SAMPLE = 1000;
    static final long SNAPSHOT_KEYS_PER_SECOND = 400_000;

    private DryRun() {
    }

    /** {@code snapshotDelays}: for each node a copy would read from a snapshot, the seconds its source waits before sending it. */
    static MigrationSummary estimate(MigrationPlan plan, List<StreamProgress> streams, Map<String, Long> snapshotDelays,
                                     long startedNanos, List<String> resumePlan) {
        KeySelection.Matcher matcher = plan.selection().matcher();
        long count = 0;
        long scanCount = 0;
        long sampledBytes = 0;
        long sampled = 0;
        long sampleReadNanos = 0;
        for (StreamProgress stream : streams) {
            if (stream.done()) {
                continue;
            }
            try (Jedis jedis = RedisClients.open(stream.node.endpoint().withDb(stream.db), plan.timeouts().reply())) {
                ScanParams params = Scanner.params(plan.selection(), plan.scanCount());
                // a resume goes on where its checkpoint stopped: only what is left is counted
                String cursor = stream.startCursor();
                do {
                    ScanResult<byte[]> page = Scanner.page(jedis, cursor, params, plan.selection());
                    List<byte[]> keys = Scanner.selected(page, matcher);
                    count += keys.size();
                    if (!snapshotDelays.containsKey(stream.node.address())) {
                        scanCount += keys.size();
                    }
                    if (sampled < SAMPLE && !keys.isEmpty()) {
                        List<byte[]> sample = keys.subList(0, (int) Math.min(keys.size(), SAMPLE - sampled));
                        long t0 = System.nanoTime();
                        Pipeline p = jedis.pipelined();
                        List<Response<Long>> sizes = new ArrayList<>();
                        // MEMORY USAGE alone: unlike PTTL or DUMP it counts no keyspace hit on the source
                        for (byte[] key : sample) {
                            sizes.add(p.memoryUsage(key));
                        }
                        p.sync();
                        sampleReadNanos += System.nanoTime() - t0;
                        for (Response<Long> size : sizes) {
                            sampledBytes += size.get() == null ? 0 : size.get();
                        }
                        sampled += sample.size();
                    }
                    cursor = page.getCursor();
                } while (!cursor.equals("0"));
            }
        }
        Long estimatedBytes = sampled == 0 ? 0L : (long) ((double) sampledBytes / sampled * count);
        // a copy reads three times (PTTL, MEMORY USAGE, DUMP) and writes once: about four times the sample's read cost
        double scanSeconds = sampled == 0 ? 0.0 : sampleReadNanos / 1e9 / sampled * scanCount * 4 / plan.batch().threads();
        // snapshots of several nodes run side by side: the slowest one counts
        double snapshotSeconds = snapshotDelays.values().stream().mapToLong(Long::longValue).max().orElse(0)
                + (double) (count - scanCount) / SNAPSHOT_KEYS_PER_SECOND / Math.max(1, snapshotDelays.size());
        Double estimatedSeconds = RedisMigration.round(Math.max(scanSeconds, snapshotDelays.isEmpty() ? 0 : snapshotSeconds));
        String reader = snapshotDelays.isEmpty() ? "scan" : scanCount == 0 ? "sync" : "scan+sync";
        double seconds = (System.nanoTime() - startedNanos) / 1e9;
        return new MigrationSummary(plan.source().toString(), plan.target().toString(), "completed", true,
                !resumePlan.isEmpty(), reader, count, 0, 0, 0, 0, Map.of(), 0, 0, Map.of(), 0, 0, RedisMigration.round(seconds), 0,
                estimatedBytes, estimatedSeconds, null, null, resumePlan, null, null);
    }

    /** {@code --dry-run --resume}: what the resume would do, one line per (node, db) and one for what is done. */
    static List<String> resumePlan(List<StreamProgress> streams, Checkpoint previous, java.nio.file.Path file) {
        List<String> lines = new ArrayList<>();
        lines.add("resume of checkpoint " + file + ": " + previous.totals().copied() + " keys already copied ("
                + previous.totals().scanned() + " read) by earlier runs");
        for (StreamProgress s : streams) {
            String where = s.node.address() + " db " + s.db + ": ";
            lines.add(where + (s.done() ? "done, nothing left to copy"
                    : s.startCursor().equals("0") ? "starts from the beginning"
                    : "continues at SCAN cursor " + s.startCursor()));
        }
        return lines;
    }
}
