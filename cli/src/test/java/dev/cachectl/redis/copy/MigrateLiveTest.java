package dev.cachectl.redis.copy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.migrate.MigrationPlan;
import dev.cachectl.testing.Await;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CachectlProcess;
import dev.cachectl.testing.CliResult;
import dev.cachectl.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.resps.Tuple;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code migrate --live}: a writer keeps writing to the source while the copy follows its replication
 * stream; the two sides end equal key for key, values and absolute expiries included.
 */
class MigrateLiveTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    private Jedis redis(String name) {
        return new Jedis("127.0.0.1", home.port(name));
    }

    private void start(String... names) {
        List<String> args = new ArrayList<>(List.of("start"));
        args.addAll(List.of(names));
        home.run(args.toArray(String[]::new)).assertOk();
        for (String name : names) {
            try (Jedis jedis = redis(name)) {
                jedis.configSet("repl-diskless-sync-delay", "0");
            }
        }
    }

    private void load(String name, int n) {
        try (Jedis jedis = redis(name); Pipeline p = jedis.pipelined()) {
            for (int i = 0; i < n; i++) {
                p.set("k:" + i, "v" + i);
                p.hset("h:" + (i % 50), "f" + i, "x" + i);
            }
            p.sync();
        }
    }

    /**
     * Writes a mix of commands (SET, INCR, HSET, LPUSH, EXPIRE, DEL, some of them in MULTI) until stopped
     * or {@code limit} rounds (every load loop is bounded). Returns the rounds written.
     */
    private static CompletableFuture<Long> writer(int port, AtomicBoolean stop, long limit) {
        // its own thread: the common pool has one thread on a 2-core machine, which the migrate needs too
        return CompletableFuture.supplyAsync(() -> {
            long round = 0;
            // a cutover pauses writes for the drain and the verification: the writer waits, it does not time out
            try (Jedis jedis = new Jedis("127.0.0.1", port, 20_000)) {
                for (; round < limit && !stop.get(); round++) {
                    int k = (int) (round % 500);
                    jedis.set("w:" + k, "round" + round);
                    jedis.incr("counter:" + (k % 7));
                    jedis.hset("wh:" + (k % 13), "f" + k, "r" + round);
                    jedis.lpush("wl:" + (k % 5), "e" + round);
                    if (round % 10 == 0) {
                        jedis.expire("w:" + k, 3600);
                    }
                    if (round % 17 == 0) {
                        jedis.del("k:" + k);
                    }
                    if (round % 25 == 0) {
                        Transaction tx = jedis.multi();
                        tx.incrBy("tx:counter", 3);
                        tx.rpush("tx:list", "t" + round);
                        tx.exec();
                    }
                }
            }
            return round;
        }, command -> new Thread(command, "writer").start());
    }

    /** Every key of the source, by type, with its value and absolute expiry, as a comparable text. */
    private static Map<String, String> contents(Jedis jedis) {
        Map<String, String> all = new TreeMap<>();
        for (String key : jedis.keys("*")) {
            if (key.startsWith(LiveFollow.MARKER_PREFIX)) {
                all.put(key, "marker");
                continue;
            }
            String type = jedis.type(key);
            String value = switch (type) {
                case "string" -> jedis.get(key);
                case "hash" -> new TreeMap<>(jedis.hgetAll(key)).toString();
                case "list" -> jedis.lrange(key, 0, -1).toString();
                case "set" -> new java.util.TreeSet<>(jedis.smembers(key)).toString();
                case "zset" -> jedis.zrangeWithScores(key, 0, -1).stream().map(Tuple::toString).toList().toString();
                default -> type;
            };
            all.put(key, type + "=" + value + " expires " + jedis.pexpireTime(key));
        }
        return all;
    }

    private static void assertEqualSides(Jedis source, Jedis target) {
        Map<String, String> expected = contents(source);
        Map<String, String> actual = contents(target);
        assertEquals(expected.size(), actual.size(), "key counts");
        for (Map.Entry<String, String> e : expected.entrySet()) {
            assertEquals(e.getValue(), actual.get(e.getKey()), "key " + e.getKey());
        }
    }

    private static JsonNode json(CliResult result) throws IOException {
        return Json.MAPPER.readTree(result.out());
    }

    private static long replicationField(Jedis jedis, String field) {
        for (String line : jedis.info("stats").split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).trim());
            }
        }
        throw new AssertionError("no " + field);
    }

    /**
     * Runs {@code migrate src TARGET --live --until caught-up} while a writer writes to src, stops the
     * writer once the follow has applied transactions written after it began, and returns the summary.
     */
    private JsonNode followWhileWriting(String target, String... options) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Long> writing = writer(home.port("src"), stop, 200_000);
        // the settle outlasts any stall of the writer on a loaded machine: the follow must not end while it writes
        List<String> args = new ArrayList<>(List.of("--json", "migrate", "src", target, "--live", "--until", "caught-up",
                "--settle", "2s"));
        args.addAll(List.of(options));
        CompletableFuture<CliResult> migrate = CompletableFuture.supplyAsync(() -> home.run(args.toArray(String[]::new)),
                command -> new Thread(command, "migrate").start());
        try (Jedis src = redis("src")) {
            // the follow is on when the source lists a replica that acknowledges offsets
            Await.until(Duration.ofSeconds(30), "cachectl listed as a replica of the source",
                    () -> src.info("replication").contains("slave0:"));
            long counter = Long.parseLong(src.get("tx:counter") == null ? "0" : src.get("tx:counter"));
            Await.until(Duration.ofSeconds(20), "more transactions after the follow began",
                    () -> src.get("tx:counter") != null && Long.parseLong(src.get("tx:counter")) >= counter + 30);
            assertFalse(migrate.isDone(), () -> "the follow ended while the writer still wrote: " + migrate.join());
            stop.set(true);
            assertTrue(writing.get(30, TimeUnit.SECONDS) > 0, "the writer wrote");
            CliResult result = migrate.get(60, TimeUnit.SECONDS);
            result.assertOk();
            return dev.cachectl.cli.JsonSchemaTest.valid("migrate", result);
        } finally {
            stop.set(true);
        }
    }

    @Test
    void follows_a_writer_and_ends_equal_key_for_key_once_caught_up() throws Exception {
        start("src", "dst");
        load("src", 2000);
        JsonNode live = followWhileWriting("dst").get("live");
        assertEquals("caught-up", live.get("ended").asText());
        assertTrue(live.get("caught_up").asBoolean());
        assertTrue(live.get("commands_applied").asLong() > 100, "writes were applied from the stream: " + live);
        assertTrue(live.get("transactions").asLong() > 0, "MULTI/EXEC arrived as transactions: " + live);
        assertEquals(0, live.get("commands_failed").asLong(), live.toString());
        assertEquals(0, live.get("lag_bytes").asLong());
        try (Jedis src = redis("src"); Jedis dst = redis("dst")) {
            assertEqualSides(src, dst);
            assertFalse(contents(dst).containsValue("marker"), "the follow's marker is gone after a clean end");
        }
    }

    @Test
    void a_big_key_is_written_from_the_snapshot_so_each_later_write_to_it_is_applied_once() throws Exception {
        start("src", "dst");
        load("src", 200);
        // the writer pushes onto wl:0-4, each above --big-key-elements: a copy without --live sets them aside
        try (Jedis src = redis("src"); Pipeline p = src.pipelined()) {
            for (int list = 0; list < 5; list++) {
                for (int i = 0; i < 20_000; i++) {
                    p.rpush("wl:" + list, "b" + i);
                }
            }
            // over what a snapshot's value is held whole: still read from the live source, and the summary says so
            p.set("blob".getBytes(StandardCharsets.UTF_8), new byte[9 << 20]);
            p.sync();
        }
        JsonNode summary = followWhileWriting("dst");
        assertEquals(0, summary.get("big_keys").asLong(), "the lists copied in chunks from the live source: " + summary);
        assertTrue(summary.get("notes").toString().contains("1 key(s) of source 127.0.0.1:" + home.port("src")
                + " were copied from the live source after its snapshot (values over 8 MB, or payloads the target "
                + "refused): 'blob'; a write to one of them"), summary.get("notes").toString());
        try (Jedis src = redis("src"); Jedis dst = redis("dst")) {
            for (int list = 0; list < 5; list++) {
                assertEquals(src.llen("wl:" + list), dst.llen("wl:" + list), "wl:" + list + ": pushes applied twice, or lost");
            }
            assertEqualSides(src, dst);
        }
    }

    @Test
    void follows_into_a_cluster_routing_each_write_by_slot() throws Exception {
        start("src");
        home.run("start", "shard", "--cluster", "3").assertOk();
        load("src", 1000);
        JsonNode live = followWhileWriting("shard").get("live");
        assertEquals(0, live.get("commands_failed").asLong(), live.toString());
        Map<String, String> target = new TreeMap<>();
        for (int port : masterPorts("shard")) {
            try (Jedis node = new Jedis("127.0.0.1", port)) {
                target.putAll(contents(node));
            }
        }
        try (Jedis src = redis("src")) {
            assertEquals(contents(src), target);
        }
    }

    @Test
    void filters_renames_and_maps_dbs_on_every_write_of_the_stream() throws Exception {
        start("src", "dst");
        load("src", 200);
        JsonNode summary = followWhileWriting("dst", "--match", "w:*", "--rename-prefix", "w:=m:", "--db-map", "0:2");
        try (Jedis src = redis("src"); Jedis dst = redis("dst")) {
            dst.select(2);
            Map<String, String> expected = new TreeMap<>();
            contents(src).forEach((key, value) -> {
                if (key.startsWith("w:")) {
                    expected.put("m:" + key.substring(2), value);
                }
            });
            assertFalse(expected.isEmpty());
            Map<String, String> actual = contents(dst);
            assertEquals(expected.size(), actual.size(), () -> "keys; " + summary);
            assertEquals(expected, actual);
            dst.select(0);
            assertEquals(0, dst.dbSize(), "db 0 of the target is left alone");
        }
    }

    @Test
    void follows_every_master_of_a_cluster_source() throws Exception {
        home.run("start", "shard", "--cluster", "3").assertOk();
        start("dst");
        List<Integer> masters = masterPorts("shard");
        for (int port : masters) {
            try (Jedis node = new Jedis("127.0.0.1", port)) {
                node.configSet("repl-diskless-sync-delay", "0");
            }
        }
        java.util.Set<redis.clients.jedis.HostAndPort> seeds = new java.util.HashSet<>();
        masters.forEach(p -> seeds.add(new redis.clients.jedis.HostAndPort("127.0.0.1", p)));
        Map<Integer, Long> replicasBefore = new TreeMap<>();
        for (int port : masters) {
            try (Jedis node = new Jedis("127.0.0.1", port)) {
                replicasBefore.put(port, replicas(node));
            }
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean following = new AtomicBoolean();
        try (redis.clients.jedis.JedisCluster cluster = new redis.clients.jedis.JedisCluster(seeds)) {
            CompletableFuture<Long> writing = CompletableFuture.supplyAsync(() -> {
                long round = 0;
                // bounded; goes on a while after the follow began
                for (long after = 0; round < 200_000 && !stop.get() && after < 600; round++) {
                    cluster.set("c:" + (round % 300), "r" + round);
                    cluster.incr("n:" + (round % 11));
                    if (following.get()) {
                        after++;
                    }
                }
                return round;
            }, command -> new Thread(command, "writer").start());
            CompletableFuture<CliResult> migrate = CompletableFuture.supplyAsync(() -> home.run("--json", "migrate",
                    "shard", "dst", "--live", "--until", "caught-up", "--settle", "2s"), command -> new Thread(command, "migrate").start());
            Await.until(Duration.ofSeconds(40), "every master lists cachectl as one more replica", () -> {
                for (int port : masters) {
                    try (Jedis node = new Jedis("127.0.0.1", port)) {
                        if (replicas(node) <= replicasBefore.get(port)) {
                            return false;
                        }
                    }
                }
                return true;
            });
            following.set(true);
            assertTrue(writing.get(60, TimeUnit.SECONDS) > 0);
            CliResult result = migrate.get(60, TimeUnit.SECONDS);
            result.assertOk();
            Map<String, String> source = new TreeMap<>();
            for (int port : masters) {
                try (Jedis node = new Jedis("127.0.0.1", port)) {
                    source.putAll(contents(node));
                }
            }
            try (Jedis dst = redis("dst")) {
                assertEquals(source, contents(dst));
            }
        } finally {
            stop.set(true);
        }
    }

    private static long replicas(Jedis node) {
        for (String line : node.info("replication").split("\r\n")) {
            if (line.startsWith("connected_slaves:")) {
                return Long.parseLong(line.substring("connected_slaves:".length()).trim());
            }
        }
        return 0;
    }

    /** The ports of a local cluster's masters. */
    private List<Integer> masterPorts(String cluster) {
        String url = home.run("start", cluster).assertOk().out().trim();
        List<Integer> masters = new ArrayList<>();
        for (String seed : url.substring("redis+cluster://".length()).split(",")) {
            int port = Integer.parseInt(seed.substring(seed.lastIndexOf(':') + 1));
            try (Jedis node = new Jedis("127.0.0.1", port)) {
                for (String line : node.clusterNodes().split("\n")) {
                    String[] f = line.split(" ");
                    if (f.length > 8 && f[2].contains("master") && !f[2].contains("fail")) {
                        int p = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1, f[1].indexOf('@')));
                        if (!masters.contains(p)) {
                            masters.add(p);
                        }
                    }
                }
            }
        }
        return masters;
    }

    @Test
    void a_kill_during_the_stream_resumes_by_partial_resync_and_ends_equal() throws Exception {
        start("src", "dst");
        load("src", 500);
        try (Jedis src = redis("src")) {
            // room for everything the writer below can send (200,000 commands): a partial resync then depends on
            // cachectl alone, not on how far a busy machine let the writer get past the last checkpoint (the 1 MB
            // default made a loaded CI run fall back to a full sync)
            src.configSet("repl-backlog-size", "64mb");
        }
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Long> writing = writer(home.port("src"), stop, 200_000);
        CachectlProcess follow = CachectlProcess.launch(home, "live", "migrate", "src", "dst", "--live");
        try (Jedis src = redis("src"); Jedis dst = redis("dst")) {
            Await.until(Duration.ofSeconds(30), "the follow acknowledging offsets",
                    () -> src.info("replication").contains("slave0:") && dst.exists(LiveFollow.MARKER_PREFIX
                            + "127.0.0.1:" + home.port("src")));
            // and a checkpoint that knows the stream, written every second
            Await.until(Duration.ofSeconds(10), "a checkpoint with the live position", () -> {
                try (var files = java.nio.file.Files.walk(home.root().resolve("migrate"))) {
                    return files.filter(f -> f.toString().endsWith(".json")).anyMatch(f -> {
                        try {
                            return java.nio.file.Files.readString(f).contains("replication_id");
                        } catch (IOException e) {
                            return false;
                        }
                    });
                } catch (IOException e) {
                    return false;
                }
            });
            follow.signal("-KILL", false);
            follow.exitWithin(Duration.ofSeconds(10));
            long fullBefore = replicationField(src, "sync_full");
            long partialBefore = replicationField(src, "sync_partial_ok");
            TimeUnit.MILLISECONDS.sleep(300); // the writer goes on while nothing follows
            stop.set(true);
            writing.get(30, TimeUnit.SECONDS);
            CliResult result = home.run("--json", "migrate", "src", "dst", "--live", "--resume", "--until", "caught-up",
                    "--settle", "300ms");
            result.assertOk();
            JsonNode live = json(result).get("live");
            assertTrue(live.get("resumed_stream").asBoolean(), live.toString());
            assertEquals(fullBefore, replicationField(src, "sync_full"), "no new snapshot");
            assertEquals(partialBefore + 1, replicationField(src, "sync_partial_ok"), "one partial resync");
            assertEqualSides(src, dst);
        } finally {
            stop.set(true);
            if (follow.process().isAlive()) {
                follow.process().destroyForcibly();
            }
        }
    }

    @Test
    void ctrl_c_saves_the_position_and_a_resume_past_the_backlog_takes_a_fresh_snapshot() throws Exception {
        start("src", "dst");
        load("src", 300);
        try (Jedis src = redis("src"); Jedis dst = redis("dst")) {
            src.configSet("repl-backlog-size", "16384");
            CachectlProcess follow = CachectlProcess.launch(home, "live", "migrate", "src", "dst", "--live");
            try {
                Await.until(Duration.ofSeconds(30), "the follow acknowledging offsets",
                        () -> src.info("replication").contains("slave0:"));
                src.set("during", "the follow");
                Await.until(Duration.ofSeconds(10), "the write applied", () -> "the follow".equals(dst.get("during")));
                follow.signal("-INT", false);
                assertEquals(130, follow.exitWithin(Duration.ofSeconds(20)), follow.log());
            } finally {
                if (follow.process().isAlive()) {
                    follow.process().destroyForcibly();
                }
            }
            // far more than the backlog holds, while nothing follows
            byte[] value = new byte[1024];
            try (Pipeline p = src.pipelined()) {
                for (int i = 0; i < 200; i++) {
                    p.set(("big:" + i).getBytes(), value);
                }
                p.sync();
            }
            long fullBefore = replicationField(src, "sync_full");
            CliResult result = home.run("--json", "migrate", "src", "dst", "--live", "--resume", "--until", "caught-up",
                    "--settle", "300ms");
            result.assertOk();
            JsonNode summary = json(result);
            assertFalse(summary.get("live").get("resumed_stream").asBoolean());
            assertTrue(summary.get("notes").toString().contains("took a fresh snapshot"), summary.toString());
            assertEquals(fullBefore + 1, replicationField(src, "sync_full"));
            assertEqualSides(src, dst);
        }
    }

    @Test
    void a_cutover_pauses_writes_drains_verifies_and_resumes_them() throws Exception {
        start("src", "dst");
        load("src", 500);
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Long> writing = writer(home.port("src"), stop, 200_000);
        try (Jedis src = redis("src")) {
            CliResult result = home.run("--json", "migrate", "src", "dst", "--live", "--cutover");
            result.assertOk();
            JsonNode summary = json(result);
            assertEquals("cutover", summary.get("live").get("ended").asText());
            assertEquals(0, summary.get("verification").get("mismatches").asLong(), summary.toString());
            double paused = summary.get("live").get("paused_seconds").asDouble();
            assertTrue(paused > 0 && paused < MigrationPlan.Live.MAX_PAUSE.toSeconds(), "paused for " + paused + "s");
            // writes go on after the cutover: the pause is over
            src.set("after:cutover", "1");
            assertEquals("1", src.get("after:cutover"));
        } finally {
            stop.set(true);
            writing.get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void a_cutover_whose_verification_outlasts_max_pause_fails_as_the_source_takes_writes_again() throws Exception {
        start("src", "dst");
        // a full verification of 200,000 keys takes far longer than the pause
        load("src", 200_000);
        CliResult result = home.run("migrate", "src", "dst", "--live", "--cutover", "--verify", "full", "--max-pause", "400ms");
        assertEquals(1, result.exitCode(), result.err());
        assertTrue(result.err().contains("longer than --max-pause 400ms: writes resumed on source 127.0.0.1:"
                + home.port("src") + " before they ended, and the target may lack what was written since"), result.err());
        try (Jedis src = redis("src")) {
            src.set("after:cutover", "1"); // the pause is over: the source takes writes
            assertEquals("1", src.get("after:cutover"));
        }
    }

    @Test
    void refuses_what_a_live_follow_cannot_do() {
        start("src", "dst");
        assertEquals(2, home.run("migrate", "src", "dst", "--live", "--delete-source").exitCode());
        assertEquals(2, home.run("migrate", "src", "dst", "--cutover").exitCode());
        CliResult pauseAlone = home.run("migrate", "src", "dst", "--live", "--max-pause", "5s");
        assertEquals(2, pauseAlone.exitCode(), pauseAlone.err());
        assertTrue(pauseAlone.err().contains("--max-pause needs --cutover"), pauseAlone.err());
        assertEquals(2, home.run("migrate", "src", "dst", "--live", "--cutover", "--max-pause", "0s").exitCode());
        assertEquals(2, home.run("migrate", "src", "dst", "--live", "--reader", "scan").exitCode());
        assertEquals(2, home.run("migrate", "src", "dst", "--live", "--until", "forever").exitCode());
        try (Jedis dst = redis("dst")) {
            dst.replicaof("127.0.0.1", home.port("src"));
            CliResult replica = home.run("migrate", "src", "dst", "--live", "--until", "caught-up");
            assertEquals(2, replica.exitCode(), replica.err());
            assertTrue(replica.err().contains("a replica of the source"), replica.err());
            dst.replicaofNoOne();
        }
    }
}
