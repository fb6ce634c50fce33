package dev.cachectl.redis.copy;

import java.time.Duration;
import dev.cachectl.testing.Await;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CachectlProcess;
import dev.cachectl.testing.CliResult;
import dev.cachectl.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code migrate --reader sync}: keys read from a replication snapshot (PSYNC) of real servers. */
class MigrateSnapshotTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    private Jedis redis(String name, int db) {
        Jedis jedis = new Jedis("127.0.0.1", home.port(name));
        jedis.select(db);
        return jedis;
    }

    private JsonNode json(CliResult result) throws IOException {
        return Json.MAPPER.readTree(result.out());
    }

    /** {@code n} keys {@code k:i} of {@code size}-byte values, every tenth with a one-hour TTL. */
    private void load(String name, int n, int size) {
        try (Jedis jedis = redis(name, 0)) {
            Pipeline p = jedis.pipelined();
            byte[] value = new byte[size];
            java.util.Arrays.fill(value, (byte) 'v');
            for (int i = 0; i < n; i++) {
                if (i % 10 == 0) {
                    p.setex(("k:" + i).getBytes(), 3600, value);
                } else {
                    p.set(("k:" + i).getBytes(), value);
                }
            }
            p.sync();
        }
    }

    /**
     * Starts home servers whose snapshots begin at once: Redis 7 streams them diskless after a
     * 5 s wait for more replicas by default, which a test need not sit through.
     */
    private void start(String... names) {
        home.run(Stream.concat(Stream.of("start"), Stream.of(names)).toArray(String[]::new)).assertOk();
        for (String name : names) {
            try (Jedis jedis = redis(name, 0)) {
                jedis.configSet("repl-diskless-sync-delay", "0");
            }
        }
    }

    /** A home server started from the bundled Redis 6.2 (nothing on PATH). */
    private void startBundled(String name) throws IOException {
        String path = home.env().get("PATH");
        home.env().put("PATH", Files.createTempDirectory(home.workDir(), "nobin").toString());
        try {
            home.run("start", name).assertOk();
        } finally {
            home.env().put("PATH", path);
        }
    }

    @Test
    void copies_every_type_binary_safe_with_exact_ttls_from_a_snapshot_and_full_verify_agrees() throws IOException {
        start("src", "dst");
        List<Samples.Sample> samples;
        try (Jedis src = redis("src", 0)) {
            samples = Samples.writeEveryType(src, "t");
            src.set("int", "12345");
            src.set("compressible", "x".repeat(500));
            src.psetex("ttl:ms".getBytes(), 86_400_000L, Samples.ALL_BYTES);
            src.expire(samples.get(2).key(), 500);
        }
        CliResult result = home.run("migrate", "src", "dst", "--reader", "sync", "--verify", "full", "--json").assertOk();
        JsonNode summary = json(result);
        assertEquals("sync", summary.get("reader").asText(), result.toString());
        assertEquals(samples.size() + 3, summary.get("copied").asLong(), result.toString());
        assertEquals(0, summary.get("type_copies").asLong(), "every payload restored as read: " + result);
        assertEquals(0, summary.get("verification").get("mismatches").asLong(), result.toString());
        try (Jedis src = redis("src", 0); Jedis dst = redis("dst", 0)) {
            for (Samples.Sample s : samples) {
                Samples.assertSameValue(src, s.key(), dst, s.key(), s.type());
            }
            assertEquals("12345", dst.get("int"));
            assertEquals("x".repeat(500), dst.get("compressible"));
            assertArrayEquals(Samples.ALL_BYTES, dst.get("ttl:ms".getBytes()));
            assertTrue(Math.abs(dst.pttl("ttl:ms") - src.pttl("ttl:ms")) < 1000);
            byte[] withTtl = samples.get(2).key();
            assertTrue(Math.abs(dst.pttl(withTtl) - src.pttl(withTtl)) < 1000);
            assertEquals(-1, dst.pttl(samples.get(0).key()));
        }
    }

    @Test
    void filters_db_map_and_renames_apply_to_a_snapshot_like_to_a_scan() throws IOException {
        start("src", "dst");
        try (Jedis db0 = redis("src", 0); Jedis db1 = redis("src", 1); Jedis db2 = redis("src", 2)) {
            db0.set("user:1", "a");
            db0.hset("user:2", Map.of("f", "v"));
            db0.set("skip:1", "no");
            db0.set("other", "no");
            db1.set("user:3", "in db 1");
            db2.set("user:4", "db 2 is not selected");
        }
        CliResult result = home.run("migrate", "src", "dst", "--reader", "sync", "--db", "0,1", "--db-map", "1:5",
                "--match", "user:*", "--match", "skip:*", "--exclude", "skip:*", "--rename-prefix", "user:=member:",
                "--json").assertOk();
        JsonNode summary = json(result);
        assertEquals(3, summary.get("scanned").asLong(), result.toString());
        assertEquals(3, summary.get("copied").asLong(), result.toString());
        try (Jedis dst0 = redis("dst", 0); Jedis dst5 = redis("dst", 5); Jedis dst1 = redis("dst", 1);
             Jedis dst2 = redis("dst", 2)) {
            assertEquals("a", dst0.get("member:1"));
            assertEquals("v", dst0.hget("member:2", "f"));
            assertEquals(2, dst0.dbSize(), "nothing but the renamed user keys in db 0");
            assertEquals("in db 1", dst5.get("member:3"));
            assertEquals(0, dst1.dbSize());
            assertEquals(0, dst2.dbSize());
        }
        CliResult noSuchDb = home.run("migrate", "src", "dst", "--reader", "sync", "--db", "0", "--db-map", "0:99").assertExit(2);
        assertTrue(noSuchDb.err().contains("has no db 99"), noSuchDb.toString());
        try (Jedis dst0 = redis("dst", 0)) {
            assertEquals(2, dst0.dbSize(), "nothing written into the db selected before: " + noSuchDb);
        }
        CliResult strings = home.run("migrate", "src", "dst", "--reader", "sync", "--db", "0", "--type", "hash",
                "--db-map", "0:7", "--json").assertOk();
        assertEquals(1, json(strings).get("copied").asLong(), strings.toString());
        try (Jedis dst7 = redis("dst", 7)) {
            assertEquals("hash", dst7.type("user:2"));
            assertEquals(1, dst7.dbSize());
        }
    }

    @Test
    void skip_existing_keeps_what_the_target_has_and_counts_it() throws IOException {
        start("src", "dst");
        try (Jedis src = redis("src", 0); Jedis dst = redis("dst", 0)) {
            src.set("plain", "new");
            src.setex("ttl", 1000, "new");
            src.rpush("list", "new");
            src.set("fresh", "new");
            src.rpush("fresh-list", "new");
            dst.set("plain", "old");
            dst.set("ttl", "old");
            dst.rpush("list", "old");
        }
        CliResult result = home.run("migrate", "src", "dst", "--reader", "sync", "--skip-existing", "--json").assertOk();
        JsonNode summary = json(result);
        assertEquals(3, summary.get("skipped_existing").asLong(), result.toString());
        assertEquals(2, summary.get("copied").asLong(), result.toString());
        try (Jedis dst = redis("dst", 0)) {
            assertEquals("old", dst.get("plain"));
            assertEquals("old", dst.get("ttl"));
            assertEquals(-1, dst.ttl("ttl"));
            assertEquals(List.of("old"), dst.lrange("list", 0, -1));
            assertEquals("new", dst.get("fresh"));
            assertEquals(List.of("new"), dst.lrange("fresh-list", 0, -1));
        }
        CliResult replaced = home.run("migrate", "src", "dst", "--reader", "sync", "--json").assertOk();
        assertEquals(5, json(replaced).get("copied").asLong(), replaced.toString());
        try (Jedis dst = redis("dst", 0)) {
            assertEquals("new", dst.get("plain"));
            assertTrue(dst.ttl("ttl") > 990);
            assertEquals(List.of("new"), dst.lrange("list", 0, -1));
        }
    }

    @Test
    void big_keys_in_a_snapshot_are_set_aside_and_copied_in_chunks() throws IOException {
        start("src", "dst");
        try (Jedis src = redis("src", 0)) {
            Pipeline p = src.pipelined();
            for (int i = 0; i < 5000; i++) {
                p.hset("big", "field-" + i, "value-" + i);
            }
            p.sync();
            src.expire("big", 3600);
            src.set("small", "s");
        }
        CliResult result = home.run("migrate", "src", "dst", "--reader", "sync", "--big-key-elements", "1000",
                "--verify", "full", "--json").assertOk();
        JsonNode summary = json(result);
        assertEquals(2, summary.get("copied").asLong(), result.toString());
        assertEquals(1, summary.get("big_keys").asLong(), result.toString());
        assertEquals(0, summary.get("verification").get("mismatches").asLong(), result.toString());
        try (Jedis dst = redis("dst", 0)) {
            assertEquals(5000, dst.hlen("big"));
            assertTrue(dst.ttl("big") > 3590);
            assertEquals(0, Samples.tempKeys(dst).size());
        }
    }

    @Test
    void a_snapshot_of_redis_7_into_the_bundled_6_2_copies_what_6_2_cannot_restore_by_type() throws IOException {
        start("new");
        startBundled("old");
        List<Samples.Sample> samples;
        try (Jedis src = redis("new", 0)) {
            samples = Samples.writeEveryType(src, "x");
            src.setex("ttl", 1000, "v");
        }
        long strings = samples.stream().filter(s -> s.type().equals("string")).count();
        CliResult result = home.run("migrate", "new", "old", "--reader", "sync", "--verify", "full", "--json").assertOk();
        JsonNode summary = json(result);
        assertEquals(samples.size() + 1, summary.get("copied").asLong(), result.toString());
        assertEquals(samples.size() - strings, summary.get("type_copies").asLong(), "strings go as SET: " + result);
        assertEquals(0, summary.get("verification").get("mismatches").asLong(), result.toString());
        try (Jedis src = redis("new", 0); Jedis dst = redis("old", 0)) {
            assertTrue(dst.info("server").contains("redis_version:6.2"));
            for (Samples.Sample s : samples) {
                Samples.assertSameValue(src, s.key(), dst, s.key(), s.type());
            }
            assertTrue(dst.ttl("ttl") > 990);
        }
    }

    @Test
    void a_snapshot_of_the_bundled_6_2_written_to_disk_first_is_read_too() throws IOException {
        startBundled("old");
        start("new");
        List<Samples.Sample> samples;
        try (Jedis src = redis("old", 0)) {
            samples = Samples.writeEveryType(src, "o");
            assertTrue(src.configGet("repl-diskless-sync").containsValue("no"), "6.2 saves to disk for a replica");
        }
        CliResult result = home.run("migrate", "old", "new", "--reader", "sync", "--verify", "full", "--json").assertOk();
        JsonNode summary = json(result);
        assertEquals("sync", summary.get("reader").asText());
        assertEquals(samples.size(), summary.get("copied").asLong(), result.toString());
        assertEquals(0, summary.get("type_copies").asLong(), result.toString());
        try (Jedis src = redis("old", 0); Jedis dst = redis("new", 0)) {
            for (Samples.Sample s : samples) {
                Samples.assertSameValue(src, s.key(), dst, s.key(), s.type());
            }
        }
    }

    @Test
    void auto_takes_a_snapshot_of_a_big_keyspace_and_scans_a_small_one_or_a_slow_diskless_source() throws IOException {
        start("src", "dst", "small");
        load("src", 60_000, 20);
        try (Jedis src = redis("src", 0)) {
            src.configSet("repl-diskless-sync", "yes");
        }
        CliResult dry = home.run("migrate", "src", "dst", "--dry-run", "--json").assertOk();
        assertEquals("sync", json(dry).get("reader").asText(), dry.toString());
        assertEquals(60_000, json(dry).get("scanned").asLong());
        CliResult dryScan = home.run("migrate", "src", "dst", "--dry-run", "--reader", "scan", "--json").assertOk();
        assertEquals("scan", json(dryScan).get("reader").asText(), dryScan.toString());
        CliResult big = home.run("migrate", "src", "dst", "--json").assertOk();
        assertEquals("sync", json(big).get("reader").asText(), big.toString());
        assertEquals(60_000, json(big).get("copied").asLong());

        try (Jedis src = redis("src", 0)) {
            src.configSet("repl-diskless-sync-delay", "5");
        }
        CliResult delayed = home.run("migrate", "src", "dst", "--json").assertOk();
        assertEquals("scan", json(delayed).get("reader").asText(), "a 5 s wait costs more than scanning 60k keys");

        try (Jedis small = redis("small", 0)) {
            small.set("a", "b");
        }
        CliResult few = home.run("migrate", "small", "dst", "--json").assertOk();
        assertEquals("scan", json(few).get("reader").asText());
    }

    @Test
    void a_source_that_refuses_psync_fails_under_reader_sync_and_is_scanned_under_auto() throws IOException {
        start("src", "dst");
        load("src", 60_000, 20);
        try (Jedis src = redis("src", 0)) {
            src.aclSetUser("copier", "on", ">secret", "~*", "+@all", "-psync", "-sync", "-replconf");
        }
        String url = "redis://copier:secret@127.0.0.1:" + home.port("src");
        CliResult refused = home.run("migrate", url, "dst", "--reader", "sync").assertExit(1);
        assertTrue(refused.err().contains("refused"), refused.toString());
        assertFalse(refused.err().contains("secret"), "no password in messages: " + refused);
        try (Jedis dst = redis("dst", 0)) {
            assertEquals(0, dst.dbSize(), "nothing copied before the refusal");
        }
        CliResult auto = home.run("migrate", url, "dst", "--json").assertOk();
        JsonNode summary = json(auto);
        assertEquals("scan", summary.get("reader").asText(), auto.toString());
        assertTrue(summary.get("notes").toString().contains("read with SCAN instead"), auto.toString());
        assertEquals(60_000, summary.get("copied").asLong());
    }

    @Test
    void a_full_target_stops_a_snapshot_copy_with_the_cause_and_a_checkpoint() throws IOException {
        start("src");
        home.run("start", "small", "--maxmemory", "2mb", "--policy", "noeviction").assertOk();
        load("src", 30_000, 100);
        CliResult result = home.run("migrate", "src", "small", "--reader", "sync", "--json").assertExit(1);
        JsonNode summary = json(result);
        assertEquals("failed", summary.get("outcome").asText());
        assertTrue(summary.get("stopped_because").asText().contains("OOM"), result.toString());
        assertTrue(summary.get("checkpoint").asText().endsWith(".json"), result.toString());
        try (Jedis dst = redis("small", 0)) {
            long copied = summary.get("copied").asLong();
            assertTrue(copied > 0 && copied < 30_000, result.toString());
            assertEquals(copied, dst.dbSize(), "the summary counts what the target acknowledged");
        }
    }

    @Test
    void ctrl_c_during_a_snapshot_copy_exits_130_with_a_checkpoint_and_resume_finishes() throws Exception {
        start("src", "dst");
        load("src", 40_000, 20);
        CachectlProcess run = CachectlProcess.launch(home, "migrate.log", "migrate", "src", "dst", "--reader", "sync",
                "--rate", "8000", "--batch", "200", "--progress", "none");
        try (Jedis dst = redis("dst", 0)) {
            Await.until(Duration.ofSeconds(30), "migrate made no progress", () -> {
                assertTrue(run.process().isAlive(), () -> "migrate ended early: " + run.log());
                return dst.dbSize() >= 5_000 && checkpoint() != null;
            });
        }
        run.signal("-INT", true);
        assertTrue(run.process().waitFor(20, TimeUnit.SECONDS), "migrate did not stop on SIGINT");
        assertEquals(130, run.process().exitValue(), run.log());
        assertTrue(run.log().contains("checkpoint saved"), run.log());
        try (Jedis dst = redis("dst", 0)) {
            assertTrue(dst.dbSize() < 40_000, "the run was interrupted");
        }
        CliResult resumed = home.run("migrate", "src", "dst", "--resume", "--reader", "sync", "--json").assertOk();
        assertTrue(json(resumed).get("resumed").asBoolean(), resumed.toString());
        try (Jedis src = redis("src", 0); Jedis dst = redis("dst", 0)) {
            assertEquals(40_000, dst.dbSize());
            for (int i = 0; i < 40_000; i += 997) {
                assertEquals(src.get("k:" + i), dst.get("k:" + i));
            }
        }
        assertNull(checkpoint(), "a finished job leaves no checkpoint");
    }

    @Test
    void a_snapshot_of_big_values_is_copied_in_a_small_heap() throws Exception {
        start("src", "dst");
        java.util.Random random = new java.util.Random(7);
        try (Jedis src = redis("src", 0)) {
            for (int i = 0; i < 150; i++) {
                byte[] value = new byte[1 << 20];
                random.nextBytes(value);
                src.set(("big:" + i).getBytes(), value);
            }
            src.set("inflates".getBytes(), new byte[20 << 20]); // a few KB in the RDB, 20 MB once decoded
        }
        // 150 MB of values in one --batch: a heap of 64 MB holds only if batches are also capped by bytes
        CachectlProcess run = CachectlProcess.launch(home, "migrate.log", List.of("-Xmx64m"), "migrate", "src", "dst",
                "--reader", "sync", "--batch", "1000", "--progress", "none", "--json");
        assertTrue(run.process().waitFor(60, TimeUnit.SECONDS), "migrate did not finish");
        assertEquals(0, run.process().exitValue(), run.log());
        try (Jedis src = redis("src", 0); Jedis dst = redis("dst", 0)) {
            assertEquals(151, dst.dbSize());
            assertArrayEquals(src.get("big:77".getBytes()), dst.get("big:77".getBytes()));
            assertEquals(20 << 20, dst.strlen("inflates"));
        }
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "the {0} dies")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"src", "dst"})
    void a_server_that_dies_mid_snapshot_is_exit_3_with_a_checkpoint_and_an_honest_count(String dies) throws Exception {
        start("src", "dst");
        java.util.Random random = new java.util.Random(1);
        try (Jedis src = redis("src", 0)) {
            Pipeline p = src.pipelined();
            for (int i = 0; i < 40_000; i++) {
                byte[] value = new byte[1000]; // incompressible, so the snapshot cannot sit whole in socket buffers
                random.nextBytes(value);
                p.set(("k:" + i).getBytes(), value);
            }
            p.sync();
        }
        long pid = home.pid(dies);
        var run = java.util.concurrent.CompletableFuture.supplyAsync(() ->
                home.run("migrate", "src", "dst", "--reader", "sync", "--rate", "10000", "--batch", "200", "--json"));
        long copiedBefore;
        try (Jedis dst = redis("dst", 0)) {
            Await.until(Duration.ofSeconds(20), "migrate never copied 5000 keys", () -> dst.dbSize() >= 5000);
            copiedBefore = dst.dbSize();
        }
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        CliResult result = run.get(60, TimeUnit.SECONDS).assertExit(3);
        JsonNode summary = json(result);
        assertEquals("failed", summary.get("outcome").asText());
        assertTrue(result.err().contains(dies.equals("src") ? "lost the connection to source" : "target"), result.toString());
        assertTrue(summary.get("checkpoint").asText().endsWith(".json"), result.toString());
        long copied = summary.get("copied").asLong();
        assertTrue(copied >= copiedBefore && copied < 40_000, result.toString());
        if (dies.equals("src")) {
            try (Jedis dst = redis("dst", 0)) {
                assertEquals(dst.dbSize(), copied, "the summary counts exactly what the target holds");
            }
        }
    }

    @Test
    void delete_source_and_mode_struct_cannot_be_combined_with_reader_sync() {
        start("src", "dst");
        CliResult result = home.run("migrate", "src", "dst", "--reader", "sync", "--delete-source").assertExit(2);
        assertTrue(result.err().contains("--delete-source needs --reader scan"), result.toString());
        CliResult struct = home.run("migrate", "src", "dst", "--reader", "sync", "--mode", "struct").assertExit(2);
        assertTrue(struct.err().contains("--mode struct copies key by key"), struct.toString());
    }

    private Path checkpoint() {
        return home.migrateCheckpoint("");
    }
}
