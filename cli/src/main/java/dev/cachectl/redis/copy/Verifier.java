package dev.cachectl.redis.copy;

import dev.cachectl.CachectlException;
import dev.cachectl.migrate.KeySelection;
import dev.cachectl.migrate.MigrationPlan;
import dev.cachectl.migrate.MigrationSummary;
import dev.cachectl.redis.RedisClients;
import dev.cachectl.util.FileWrites;
import redis.clients.jedis.AbstractPipeline;
import dev.cachectl.redis.ConnectionLoss;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.commands.JedisBinaryCommands;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * {@code --verify quick}: key counts per db, and a random sample compared key by key;
 * {@code --verify full}: every selected key. A key matches when the target has it with the same
 * type, the same value (equal DUMP payloads, or, when encodings differ, equal {@link ValueDigest}s)
 * and a TTL within {@code --ttl-tolerance}. Keys gone from the source since the copy are skipped.
 * When nothing was filtered, renamed or mapped, every source key belongs on the target, so a db where
 * the target holds fewer keys than the source is a mismatch too (more is fine: they may have been there).
 */
final class Verifier {
    private static final int SAMPLE = 1000;
    private static final int EXAMPLES = 20;
    private static final int BATCH = 500;
    /** Larger values are compared by chunked digest, never DUMPed whole: verifying must not block a server either. */
    private static final long DUMP_LIMIT = 1L << 20;

    private final MigrationPlan plan;
    private final List<StreamProgress> streams;
    private final Target target;
    private final Path reportDir;
    private final long expired;
    private final List<String> mismatches = new ArrayList<>();
    private long checked;

    /** {@code expired}: the keys the copy found expired, which a source may still count until it reclaims them. */
    Verifier(MigrationPlan plan, List<StreamProgress> streams, Target target, Path reportDir, long expired) {
        this.plan = plan;
        this.streams = streams;
        this.target = target;
        this.reportDir = reportDir;
        this.expired = expired;
    }

    MigrationSummary.Verification verify() {
        Map<String, long[]> counts = new LinkedHashMap<>();
        KeySelection.Matcher matcher = plan.selection().matcher();
        try (Target.Session session = target.session()) {
            for (StreamProgress stream : streams) {
                int targetDb = plan.targetDb(stream.db);
                try (Jedis source = RedisClients.open(stream.node.endpoint().withDb(stream.db), Duration.ofSeconds(30))) {
                    verify(stream, source, session.commands(targetDb), targetDb, counts, matcher);
                }
            }
        }
        return report(counts);
    }

    private void verify(StreamProgress stream, Jedis source, JedisBinaryCommands dest, int targetDb,
                        Map<String, long[]> counts, KeySelection.Matcher matcher) {
        try {
            if (!target.cluster() && dest instanceof Jedis t) {
                // the target first: a key expiring in between then lowers the source's count, never the target's
                long onTarget = t.dbSize();
                counts.merge("db" + stream.db + "->db" + targetDb, new long[]{source.dbSize(), onTarget},
                        (a, b) -> new long[]{a[0] + b[0], b[1]});
            }
            if (plan.verify() == MigrationPlan.Verify.full) {
                verifyAll(source, dest, matcher);
            } else {
                compare(source, dest, sample(source, matcher));
            }
        } catch (JedisConnectionException e) {
            throw ConnectionLoss.eitherSide(source, stream.node.endpoint(), plan.target(), e);
        }
    }

    private MigrationSummary.Verification report(Map<String, long[]> counts) {
        List<String> mismatches = new ArrayList<>(shortfalls(counts));
        mismatches.addAll(this.mismatches);
        String listFile = null;
        String listError = null;
        if (mismatches.size() > EXAMPLES) {
            Path file = reportDir.resolve("migrate-mismatches-" + Instant.now().toString().replace(':', '-') + ".txt");
            try {
                FileWrites.createMissing(reportDir, "mismatch list " + file);
                FileWrites.atomically(file, String.join("\n", mismatches) + "\n", "mismatch list ");
                listFile = file.toString();
            } catch (CachectlException e) {
                // the copy is done and its summary still says what was found: only the full list is missing
                listError = e.getMessage();
            }
        }
        return new MigrationSummary.Verification(plan.verify().name(), checked, mismatches.size(),
                List.copyOf(mismatches.subList(0, Math.min(EXAMPLES, mismatches.size()))), listFile, listError, counts);
    }

    /** The dbs where the target holds fewer keys than the source, when every source key belongs there. */
    private List<String> shortfalls(Map<String, long[]> counts) {
        KeySelection sel = plan.selection();
        if (!sel.match().isEmpty() || !sel.exclude().isEmpty() || !sel.types().isEmpty() || sel.fromPrefix() != null
                || !plan.dbMap().isEmpty()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        counts.forEach((dbs, n) -> {
            if (n[1] < n[0] - expired) {
                out.add(dbs + ": " + n[1] + " keys on the target, " + n[0] + " on the source (" + (n[0] - n[1]) + " missing)");
            }
        });
        return out;
    }

    private void verifyAll(Jedis source, JedisBinaryCommands dest, KeySelection.Matcher matcher) {
        ScanParams params = new ScanParams().count(BATCH);
        String cursor = "0";
        do {
            ScanResult<byte[]> page = source.scan(cursor.getBytes(StandardCharsets.US_ASCII), params);
            List<byte[]> keys = page.getResult().stream().filter(matcher::test).toList();
            compare(source, dest, keys);
            cursor = page.getCursor();
        } while (!cursor.equals("0"));
    }

    /** Random keys (RANDOMKEY), the ones the filters select, at most {@value #SAMPLE}. */
    private List<byte[]> sample(Jedis source, KeySelection.Matcher matcher) {
        Set<String> seen = new LinkedHashSet<>();
        List<byte[]> keys = new ArrayList<>();
        long size = source.dbSize();
        for (int attempt = 0; attempt < SAMPLE * 3 && keys.size() < Math.min(SAMPLE, size); attempt++) {
            byte[] key = source.randomBinaryKey();
            if (key == null) {
                break;
            }
            if (matcher.test(key) && seen.add(Arrays.toString(key))) {
                keys.add(key);
            }
        }
        return keys;
    }

    private void compare(Jedis source, JedisBinaryCommands dest, List<byte[]> keys) {
        for (int from = 0; from < keys.size(); from += BATCH) {
            List<byte[]> batch = keys.subList(from, Math.min(keys.size(), from + BATCH));
            List<byte[]> targetKeys = batch.stream().map(plan.selection()::rename).toList();
            Snapshot src = read(source, batch);
            Snapshot dst = read(dest, targetKeys);
            for (int i = 0; i < batch.size(); i++) {
                if (src.types.get(i).equals("none")) {
                    continue;
                }
                checked++;
                String problem = problem(source, dest, batch.get(i), targetKeys.get(i), src, dst, i);
                if (problem != null) {
                    mismatches.add(CopyWorker.printable(batch.get(i)) + ": " + problem);
                }
            }
        }
    }

    private String problem(Jedis source, JedisBinaryCommands dest, byte[] key, byte[] targetKey, Snapshot src,
                           Snapshot dst, int i) {
        if (dst.types.get(i).equals("none")) {
            return "missing on the target";
        }
        if (!src.types.get(i).equals(dst.types.get(i))) {
            return "type " + src.types.get(i) + " on the source, " + dst.types.get(i) + " on the target";
        }
        long a = src.ttls.get(i);
        long b = dst.ttls.get(i);
        if ((a < 0) != (b < 0) || a >= 0 && Math.abs(a - b) > plan.ttlTolerance().toMillis()) {
            return "TTL " + ttl(a) + " on the source, " + ttl(b) + " on the target";
        }
        byte[] sourceDump = src.dumps.get(i);
        if (sourceDump == null || !Arrays.equals(sourceDump, dst.dumps.get(i))) {
            Optional<ValueDigest.Digest> sd = ValueDigest.of(source, key, 1000);
            Optional<ValueDigest.Digest> td = ValueDigest.of(dest, targetKey, 1000);
            if (sd.isPresent() && !Objects.equals(sd, td)) {
                return "value differs";
            }
        }
        return null;
    }

    private static String ttl(long ms) {
        return ms < 0 ? "none" : ms / 1000 + "s";
    }

    private record Snapshot(List<String> types, List<Long> ttls, List<byte[]> dumps) {
    }

    /** Type, TTL and size of each key, then DUMP payloads of the small ones (null for the rest). */
    private static Snapshot read(JedisBinaryCommands conn, List<byte[]> keys) {
        AbstractPipeline p = pipeline(conn);
        List<Response<String>> types = new ArrayList<>();
        List<Response<Long>> ttls = new ArrayList<>();
        List<Response<Long>> sizes = new ArrayList<>();
        for (byte[] key : keys) {
            types.add(p.type(key));
            ttls.add(p.pttl(key));
            sizes.add(p.memoryUsage(key));
        }
        sync(conn, p);
        p = pipeline(conn);
        List<Response<byte[]>> dumps = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            Long size = sizes.get(i).get();
            dumps.add(size != null && size <= DUMP_LIMIT ? p.dump(keys.get(i)) : null);
        }
        sync(conn, p);
        return new Snapshot(types.stream().map(Response::get).toList(), ttls.stream().map(Response::get).toList(),
                dumps.stream().map(r -> r == null ? null : r.get()).toList());
    }

    private static AbstractPipeline pipeline(JedisBinaryCommands conn) {
        return conn instanceof Jedis j ? j.pipelined() : ((UnifiedJedis) conn).pipelined();
    }

    /** A cluster pipeline holds pooled connections until closed; a Jedis pipeline is the connection itself. */
    private static void sync(JedisBinaryCommands conn, AbstractPipeline p) {
        p.sync();
        if (!(conn instanceof Jedis)) {
            p.close();
        }
    }
}
