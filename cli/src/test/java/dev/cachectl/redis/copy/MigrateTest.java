package dev.cachectl.redis.copy;

import java.time.Duration;
import dev.cachectl.testing.Await;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import dev.cachectl.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MigrateTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    private Jedis redis(String name, int db) {
        Jedis jedis = new Jedis("127.0.0.1", home.port(name));
        jedis.select(db);
        return jedis;
    }

    private void startBoth() {
        home.run("start", "src", "dst").assertOk();
    }

    static byte[] allBytes() {
        byte[] b = new byte[256];
        for (int i = 0; i < 256; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    @Test
    void copies_every_type_binary_safe_with_exact_ttls_and_full_verify_agrees() throws IOException {
        startBoth();
        byte[] binKey = ("bin\n\u00e9" + new String(allBytes(), StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1);
        try (Jedis src = redis("src", 0)) {
            src.set(binKey, allBytes());
            src.set("empty".getBytes(), new byte[0]);
            src.set("unicode:ключ", "значение ✓");
            src.rpush("list", "a", "b", "", "a");
            src.sadd("set", "x", "y", "z");
            src.zadd("zset", Map.of("m1", 1.5, "m2", Double.NEGATIVE_INFINITY));
            src.hset("hash", Map.of("f1", "v1", "f\n2", ""));
            src.xadd("stream", XAddParams.xAddParams().id(new StreamEntryID(5, 1)), Map.of("k", "v"));
            src.setex("ttl:short", 100, "v");
            src.psetex("ttl:long".getBytes(), 86_400_000L, "v".getBytes());
        }
        CliResult result = home.run("migrate", "src", "dst", "--verify", "full", "--json").assertOk();
        JsonNode summary = Json.MAPPER.readTree(result.out());
        assertEquals("completed", summary.get("outcome").asText());
        assertEquals(10, summary.get("copied").asLong(), result.toString());
        assertEquals(0, summary.get("verification").get("mismatches").asLong(), result.toString());
        try (Jedis src = redis("src", 0); Jedis dst = redis("dst", 0)) {
            assertArrayEquals(allBytes(), dst.get(binKey));
            assertArrayEquals(new byte[0], dst.get("empty".getBytes()));
            assertEquals("значение ✓", dst.get("unicode:ключ"));
            assertEquals(src.lrange("list", 0, -1), dst.lrange("list", 0, -1));
            assertEquals(Double.NEGATIVE_INFINITY, dst.zscore("zset", "m2"));
            assertEquals("", dst.hget("hash", "f\n2"));
            assertEquals(new StreamEntryID(5, 1), dst.xrange("stream", (StreamEntryID) null, null).get(0).getID());
            assertTrue(Math.abs(dst.pttl("ttl:short") - src.pttl("ttl:short")) < 1000);
            assertTrue(Math.abs(dst.pttl("ttl:long") - src.pttl("ttl:long")) < 1000);
            assertEquals(-1, dst.ttl("list"));
        }
    }

    @Test
    void every_db_keeps_its_number_unless_mapped_and_db_picks_one() {
        startBoth();
        try (Jedis db0 = redis("src", 0); Jedis db2 = redis("src", 2)) {
            db0.set("a", "0");
            db2.set("b", "2");
        }
        home.run("migrate", "src", "dst").assertOk();
        try (Jedis d2 = redis("dst", 2)) {
            assertEquals("2", d2.get("b"));
        }
        home.run("migrate", "src", "dst", "--db", "2", "--db-map", "2:5").assertOk();
        try (Jedis d5 = redis("dst", 5)) {
            assertEquals("2", d5.get("b"));
            assertNull(d5.get("a"));
        }
    }

    @Test
    void filters_select_by_glob_exclusion_and_type_and_prefixes_are_rewritten() {
        startBoth();
        try (Jedis src = redis("src", 0)) {
            src.set("user:1", "a");
            src.set("user:2", "b");
            src.set("user:tmp:3", "c");
            src.hset("user:h", "f", "v");
            src.set("order:1", "o");
        }
        home.run("migrate", "src", "dst", "--match", "user:*", "--exclude", "user:tmp:*", "--type", "string",
                "--rename-prefix", "user:=member:").assertOk();
        try (Jedis dst = redis("dst", 0)) {
            assertEquals(Set.of("member:1", "member:2"), dst.keys("*"));
        }
    }

    @Test
    void replace_overwrites_and_skip_existing_keeps_the_target_value() throws IOException {
        startBoth();
        try (Jedis src = redis("src", 0); Jedis dst = redis("dst", 0)) {
            src.set("k", "new");
            src.set("other", "x");
            dst.set("k", "old");
        }
        CliResult skip = home.run("migrate", "src", "dst", "--skip-existing", "--json").assertOk();
        assertEquals(1, Json.MAPPER.readTree(skip.out()).get("skipped_existing").asLong());
        try (Jedis dst = redis("dst", 0)) {
            assertEquals("old", dst.get("k"));
            assertEquals("x", dst.get("other"));
        }
        home.run("migrate", "src", "dst").assertOk();
        try (Jedis dst = redis("dst", 0)) {
            assertEquals("new", dst.get("k"));
        }
        home.run("migrate", "src", "dst", "--replace", "--skip-existing").assertExit(2);
    }

    @Test
    void dry_run_counts_and_estimates_but_writes_nothing() throws IOException {
        startBoth();
        load("src", 5000, 0);
        CliResult result = home.run("migrate", "src", "dst", "--dry-run", "--match", "k:1*", "--json").assertOk();
        JsonNode summary = Json.MAPPER.readTree(result.out());
        assertEquals(1111, summary.get("scanned").asLong());
        assertTrue(summary.get("estimated_bytes").asLong() > 100_000, result.toString());
        try (Jedis dst = redis("dst", 0)) {
            assertEquals(0, dst.dbSize());
        }
    }

    @Test
    void a_full_target_stops_the_run_with_the_cause_a_checkpoint_and_nothing_deleted_that_was_not_copied() throws IOException {
        home.run("start", "src").assertOk();
        home.run("start", "small", "--maxmemory", "2mb", "--policy", "noeviction").assertOk();
        load("src", 30_000, 0);
        CliResult result = home.run("migrate", "src", "small", "--delete-source", "--threads", "1", "--json").assertExit(1);
        JsonNode summary = Json.MAPPER.readTree(result.out());
        assertEquals("failed", summary.get("outcome").asText());
        assertTrue(summary.get("stopped_because").asText().contains("OOM"), result.toString());
        assertTrue(summary.get("checkpoint").asText().endsWith(".json"), result.toString());
        try (Jedis src = redis("src", 0); Jedis dst = redis("small", 0)) {
            long copied = summary.get("copied").asLong();
            assertTrue(copied > 0 && copied < 30_000, result.toString());
            assertEquals(copied, summary.get("deleted_from_source").asLong());
            assertEquals(30_000, src.dbSize() + dst.dbSize(), "every key is on exactly one side");
            for (String key : dst.keys("*")) {
                assertFalse(src.exists(key), "deleted on the source but also... " + key);
            }
        }
    }

    @Test
    void verify_reports_mismatches_and_exits_4() throws IOException {
        startBoth();
        load("src", 100, 0);
        home.run("migrate", "src", "dst").assertOk();
        try (Jedis dst = redis("dst", 0)) {
            dst.set("k:7", "tampered");
            dst.del("k:8");
            dst.expire("k:9", 5000);
        }
        CliResult result = home.run("migrate", "src", "dst", "--skip-existing", "--match", "k:[79]", "--verify", "full",
                "--json").assertExit(4);
        JsonNode verification = Json.MAPPER.readTree(result.out()).get("verification");
        assertEquals(2, verification.get("mismatches").asLong(), result.toString());
        String examples = verification.get("examples").toString();
        assertTrue(examples.contains("k:7: value differs") && examples.contains("k:9: TTL"), examples);
    }

    @Test
    void the_same_server_under_another_name_is_refused_and_keeps_its_keys_even_with_delete_source() {
        home.run("start", "src").assertOk();
        load("src", 50, 0);
        int port = home.port("src");
        String alias = "redis://localhost:" + port;

        for (String[] args : List.of(new String[] {"migrate", "src", alias, "--delete-source"},
                new String[] {"migrate", "redis://127.0.0.1:" + port, alias, "--dry-run"})) {
            CliResult refused = home.run(args).assertExit(2);
            assertEquals(List.of("cachectl: source and target are the same server and db (127.0.0.1:" + port
                    + ", which the target reaches as localhost:" + port + ", db 0): nothing to copy; map dbs with --db-map"
                    + " or rename with --rename-prefix, or pick another target"), refused.err().lines().toList(), refused.toString());
        }
        try (Jedis src = redis("src", 0)) {
            assertEquals(50, src.dbSize(), "keys of a refused run were deleted");
        }
        // into another db of the same server it is a copy like any other
        home.run("migrate", "src", alias, "--db-map", "0:1").assertOk();
        try (Jedis db1 = redis("src", 1)) {
            assertEquals(50, db1.dbSize());
        }
    }

    @Test
    void a_mismatch_names_its_key_whole_and_on_one_line_however_long_or_binary() throws IOException {
        startBoth();
        String longKey = "k:" + "x".repeat(120);
        try (Jedis src = redis("src", 0)) {
            src.set("k:line\nbreak", "a");
            src.set(longKey, "b");
        }
        home.run("migrate", "src", "dst").assertOk();
        try (Jedis dst = redis("dst", 0)) {
            dst.set("k:line\nbreak", "tampered");
            dst.set(longKey, "tampered");
        }
        CliResult result = home.run("migrate", "src", "dst", "--skip-existing", "--verify", "full", "--json").assertExit(4);
        JsonNode examples = Json.MAPPER.readTree(result.out()).at("/verification/examples");
        List<String> shown = new java.util.ArrayList<>();
        examples.forEach(e -> shown.add(e.asText()));
        assertEquals(List.of("\"k:line\\x0abreak\": value differs", longKey + ": value differs"), shown.stream().sorted().toList(),
                result.toString());
    }

    @Test
    void a_mismatch_list_that_cannot_be_written_still_leaves_the_summary_and_exit_4() throws IOException {
        startBoth();
        load("src", 100, 0);
        try (Jedis dst = redis("dst", 0)) {
            for (int i = 0; i < 30; i++) {
                dst.set("k:" + i, "there before");
            }
        }
        // the list goes under HOME/migrate when there are more than 20; the checkpoint elsewhere
        Path lists = Files.writeString(home.root().resolve("migrate"), "a file where the lists' folder goes");
        CliResult result = home.run("migrate", "src", "dst", "--skip-existing", "--verify", "full", "--progress", "none",
                "--checkpoint", home.workDir().resolve("job.json").toString()).assertExit(4);
        assertTrue(result.err().contains("verify full: 100 keys checked, 30 mismatches"), result.toString());
        assertTrue(result.err().contains(": value differs"), result.toString());
        String notWritten = result.err().lines().filter(l -> l.contains("full list of mismatches was not written")).findFirst()
                .orElseThrow(() -> new AssertionError(result.toString()));
        assertTrue(notWritten.matches(".*cannot write mismatch list " + Pattern.quote(lists.toString())
                + "/migrate-mismatches-[^/]+\\.txt: " + Pattern.quote(lists.toString()) + " exists and is not a folder"),
                result.toString());
        assertFalse(result.err().contains("unexpected"), result.toString());
        assertEquals("a file where the lists' folder goes", Files.readString(lists));

        JsonNode verification = Json.MAPPER.readTree(home.run("migrate", "src", "dst", "--skip-existing", "--verify", "full",
                "--json", "--checkpoint", home.workDir().resolve("job2.json").toString()).assertExit(4).out()).get("verification");
        assertEquals(30, verification.get("mismatches").asLong(), verification.toString());
        assertTrue(verification.get("list_error").asText().contains("exists and is not a folder"), verification.toString());
    }

    @Test
    void verify_allows_keys_the_target_held_before() throws IOException {
        startBoth();
        load("src", 100, 0);
        try (Jedis dst = redis("dst", 0)) {
            dst.set("there:before", "v");
        }
        CliResult result = home.run("migrate", "src", "dst", "--verify", "quick", "--json").assertOk();
        JsonNode verification = Json.MAPPER.readTree(result.out()).get("verification");
        assertEquals(0, verification.get("mismatches").asLong(), result.toString());
    }

    @Test
    void verify_quick_samples_distinct_keys_and_every_key_of_a_db_no_bigger_than_the_sample() throws IOException {
        startBoth();
        load("src", 1000, 0);
        load("src", 3000, 1);
        load("src", 6000, 2);
        JsonNode verification = Json.MAPPER.readTree(home.run("migrate", "src", "dst", "--verify", "quick", "--json")
                .assertOk().out()).get("verification");
        assertEquals(3000, verification.get("checked").asLong(), verification.toString());
        assertEquals(0, verification.get("mismatches").asLong(), verification.toString());
    }

    @Test
    void unknown_instances_and_bad_options_are_one_line_errors() {
        home.run("start", "src").assertOk();
        CliResult down = home.run("migrate", "src", "nothere").assertExit(3);
        assertTrue(down.err().contains("'nothere' is not running"), down.toString());
        home.run("migrate", "src", "redis://127.0.0.1:1").assertExit(3);
        home.run("migrate", "src", "src").assertExit(2);
        home.run("migrate", "src", "redis://127.0.0.1:1", "--db-map", "x").assertExit(2);
        home.run("migrate", "src", "src", "--resume").assertExit(2);
    }

    @Test
    void a_read_only_target_stops_the_run_with_one_line_and_exit_1() throws IOException {
        startBoth();
        load("src", 100, 0);
        try (Jedis dst = redis("dst", 0)) {
            dst.replicaof("127.0.0.1", home.port("src"));
        }
        CliResult result = home.run("migrate", "src", "dst", "--json").assertExit(1);
        assertTrue(result.err().contains("refused writes: READONLY"), result.toString());
        assertEquals("failed", Json.MAPPER.readTree(result.out()).get("outcome").asText());
    }

    @Test
    void a_source_that_dies_mid_run_is_exit_3_with_a_checkpoint_and_an_honest_count() throws Exception {
        startBoth();
        load("src", 40_000, 0);
        long sourcePid = home.pid("src");
        var run = java.util.concurrent.CompletableFuture.supplyAsync(() ->
                home.run("migrate", "src", "dst", "--rate", "10000", "--batch", "200", "--json"));
        try (Jedis dst = redis("dst", 0)) {
            Await.until(Duration.ofSeconds(20), "migrate never copied 5000 keys", () -> dst.dbSize() >= 5000);
        }
        ProcessHandle.of(sourcePid).ifPresent(ProcessHandle::destroyForcibly);
        CliResult result = run.get(60, java.util.concurrent.TimeUnit.SECONDS).assertExit(3);
        JsonNode summary = Json.MAPPER.readTree(result.out());
        assertEquals("failed", summary.get("outcome").asText());
        assertTrue(summary.get("checkpoint").asText().endsWith(".json"), result.toString());
        try (Jedis dst = redis("dst", 0)) {
            assertEquals(dst.dbSize(), summary.get("copied").asLong(), "the summary counts exactly what the target holds");
        }
    }

    /** {@code n} 100-byte strings {@code k:0…}, every tenth with a TTL. */
    void load(String name, int n, int db) {
        try (Jedis jedis = redis(name, db)) {
            Pipeline p = jedis.pipelined();
            byte[] value = new byte[100];
            Arrays.fill(value, (byte) 'v');
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
}
