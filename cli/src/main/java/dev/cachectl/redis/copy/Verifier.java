package dev.cachectl.redis.copy;

import dev.cachectl.util.KeyText;
import dev.cachectl.CachectlException;
import dev.cachectl.migrate.KeySelection;
import dev.cachectl.migrate.MigrationPlan;
import dev.cachectl.migrate.MigrationSummary;
import dev.cachectl.redis.RedisClients;
import dev.cachectl.util.FileWrites;
import redis.clients.jedis.AbstractPipeline;
import dev.cachectl.redis.ConnectionLoss;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.commands.JedisBinaryCommands;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code --verify quick}: key counts per db, and a random sample of distinct keys compared key by key;
 * {@code --verify full}: every selected key. A key matches when the target has it with the same
 * type, the same value (equal DUMP payloads, or, when encodings differ, equal {@link ValueDigest}s)
 * and a TTL within {@code --ttl-tolerance}. Keys gone from the source since the copy are skipped.
 * <p>
 * Each side is read at its own moment, source first, so a key may expire in between: a key that
 * looks wrong is read again on both sides, then once more on the source, and it is a mismatch only
 * if the source still holds it then with more than the tolerance to live. A key the source gave no
 * more than the tolerance to live at the first read is never one: a copy whose TTL is within the
 * tolerance of its source's may be gone already.
 * <p>
 * When nothing was filtered, renamed or mapped, every source key belongs on the target, so a db where
 * the target holds fewer keys than the source is a mismatch too (more is fine: they may have been there),
 * less what expired: the keys the copy found expired, and the keys the target removed as expired since
 * the copy began, which the source may still count until it reclaims them too.
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
    private final long targetExpiredBefore;
    private final List<String> mismatches = new ArrayList<>();
    private long checked;

    /**
     * {@code expired}: the keys the copy found expired, which a source may still count until it reclaims
     * them; {@code targetExpiredBefore}: the target's {@link Target#expiredKeys()} before the copy began.
     */
    Verifier(MigrationPlan plan, List<StreamProgress> streams, Target target, Path reportDir, long expired,
             long targetExpiredBefore) {
        this.plan = plan;
        this.streams = streams;
        this.target = target;
        this.reportDir = reportDir;
        this.expired = expired;
        this.targetExpiredBefore = targetExpiredBefore;
    }

    MigrationSummary.Verification verify() {
        Map<String, long[]> counts = new LinkedHashMap<>();
        KeySelection.Matcher matcher = plan.selection().matcher();
        try (Target.Session session = target.session()) {
            for (StreamProgress stream : streams) {
                int targetDb = plan.targetDb(stream.db);
                try (Jedis source = RedisClients.open(stream.node.endpoint().withDb(stream.db), plan.timeouts().reply())) {
                    verify(stream, source, session.commands(targetDb), targetDb, counts, matcher);
                }
            }
        }
        // after the counts: every key the target reclaimed before its count was read is in it
        long reclaimed = counts.isEmpty() ? 0 : Math.max(0, target.expiredKeys() - targetExpiredBefore);
        return report(counts, reclaimed);
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
            throw ConnectionLoss.eitherSide(source, stream.node.endpoint(), plan.target(), e, plan.timeouts().reply());
        }
    }

    private MigrationSummary.Verification report(Map<String, long[]> counts, long reclaimed) {
        List<String> mismatches = new ArrayList<>(shortfalls(counts, reclaimed));
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

    /**
     * The dbs where the target holds fewer keys than the source, when every source key belongs there.
     * {@code reclaimed}: the keys the target removed as expired since the copy began (in any db).
     */
    private List<String> shortfalls(Map<String, long[]> counts, long reclaimed) {
        KeySelection sel = plan.selection();
        if (!sel.match().isEmpty() || !sel.exclude().isEmpty() || !sel.types().isEmpty() || sel.fromPrefix() != null
                || !plan.dbMap().isEmpty()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        counts.forEach((dbs, n) -> {
            if (n[1] < n[0] - expired - reclaimed) {
                out.add(dbs + ": " + n[1] + " keys on the target, " + n[0] + " on the source (" + (n[0] - n[1]) + " missing)");
            }
        });
        return out;
    }

    private void verifyAll(Jedis source, JedisBinaryCommands dest, KeySelection.Matcher matcher) {
        scan(source, matcher, keys -> compare(source, dest, keys));
    }

    /** Every key of the db the filters select, a SCAN page at a time. */
    private static void scan(Jedis source, KeySelection.Matcher matcher, Consumer<List<byte[]>> pages) {
        ScanParams params = new ScanParams().count(BATCH);
        String cursor = "0";
        do {
            ScanResult<byte[]> page = source.scan(cursor.getBytes(StandardCharsets.US_ASCII), params);
            pages.accept(page.getResult().stream().filter(matcher::test).toList());
            cursor = page.getCursor();
        } while (!cursor.equals("0"));
    }

    /**
     * At most {@value #SAMPLE} distinct keys of the ones the filters select: every one of a db no bigger
     * than the sample; a random {@value #SAMPLE} of a db up to four times that, from a SCAN (RANDOMKEY
     * would draw repeats long before it found them all); RANDOMKEY in a bigger db.
     */
    private List<byte[]> sample(Jedis source, KeySelection.Matcher matcher) {
        Set<String> seen = new HashSet<>();
        List<byte[]> keys = new ArrayList<>();
        if (source.dbSize() <= 4L * SAMPLE) {
            // SCAN may return a key twice when the db is rehashed meanwhile
            scan(source, matcher, page -> page.stream().filter(k -> seen.add(Arrays.toString(k))).forEach(keys::add));
            Collections.shuffle(keys);
            return keys.subList(0, Math.min(SAMPLE, keys.size()));
        }
        for (int attempt = 0; attempt < SAMPLE * 3 && keys.size() < SAMPLE; attempt++) {
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
            List<String> first = problems(source, dest, batch, true);
            List<byte[]> suspects = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                if (first.get(i) != null) {
                    suspects.add(batch.get(i));
                }
            }
            if (suspects.isEmpty()) {
                continue;
            }
            // a second look, each side read right after the other: what expired or was read far apart settles
            List<String> second = problems(source, dest, suspects, false);
            List<byte[]> left = new ArrayList<>();
            List<String> leftProblems = new ArrayList<>();
            for (int i = 0; i < suspects.size(); i++) {
                if (second.get(i) != null) {
                    left.add(suspects.get(i));
                    leftProblems.add(second.get(i));
                }
            }
            // the target was read after the source: a copy that expired since has left its source expiring too
            List<Long> ttls = pttls(source, left);
            for (int i = 0; i < left.size(); i++) {
                if (!expiring(ttls.get(i))) {
                    mismatches.add(KeyText.readable(left.get(i)) + ": " + leftProblems.get(i));
                }
            }
        }
    }

    /**
     * What is wrong with each key's copy, null when nothing is, when the source no longer holds it, or
     * when it is expiring ({@code count}: count the keys found on the source as checked).
     */
    private List<String> problems(Jedis source, JedisBinaryCommands dest, List<byte[]> keys, boolean count) {
        List<byte[]> targetKeys = keys.stream().map(plan.selection()::rename).toList();
        Snapshot src = read(source, keys);
        Snapshot dst = read(dest, targetKeys);
        List<String> problems = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            if (src.types.get(i).equals("none")) {
                problems.add(null);
                continue;
            }
            if (count) {
                checked++;
            }
            problems.add(expiring(src.ttls.get(i)) ? null
                    : problem(source, dest, keys.get(i), targetKeys.get(i), src, dst, i));
        }
        return problems;
    }

    /** Gone ({@code -2}), or due to expire within {@code --ttl-tolerance}. */
    private boolean expiring(long pttl) {
        return pttl == -2 || pttl >= 0 && pttl <= plan.ttlTolerance().toMillis();
    }

    private static List<Long> pttls(Jedis source, List<byte[]> keys) {
        if (keys.isEmpty()) {
            return List.of();
        }
        Pipeline p = source.pipelined();
        List<Response<Long>> ttls = keys.stream().map(p::pttl).toList();
        p.sync();
        return ttls.stream().map(Response::get).toList();
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
