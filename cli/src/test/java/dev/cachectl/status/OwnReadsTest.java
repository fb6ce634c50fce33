package dev.cachectl.status;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CachectlProcess;
import dev.cachectl.testing.Faults;
import dev.cachectl.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisCluster;

import dev.cachectl.testing.Await;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.HashSet;
import java.util.Set;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * migrate's and warm --top's reads (PTTL, DUMP, TYPE, OBJECT) count as keyspace hits on the source;
 * status and the warm gate leave them out, so the hit ratio is the application's own.
 */
class OwnReadsTest {
    private static final int KEYS = 100;

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    private JsonNode status(String name) throws Exception {
        return Json.MAPPER.readTree(home.run("status", name, "--json").assertOk().out()).get("instances").get(0);
    }

    @Test
    void after_migrate_and_warm_top_status_and_the_warm_gate_show_the_traffics_own_ratio() throws Exception {
        home.run("start", "src", "dst").assertOk();
        Faults.loadStrings(home, "src", KEYS);
        try (Jedis src = new Jedis("127.0.0.1", home.port("src"))) {
            // the application's traffic: half hits, half misses
            for (int i = 0; i < 50; i++) {
                src.get("k:" + i);
                src.get("absent:" + i);
            }
        }
        home.run("migrate", "src", "dst", "--dry-run").assertOk();
        home.run("migrate", "src", "dst", "--reader", "scan").assertOk();
        home.run("migrate", "src", "dst", "--reader", "scan", "--type", "string,hash").assertOk();
        home.run("warm", "src", "--to", "dst", "--top", "10").assertOk();
        try (Jedis src = new Jedis("127.0.0.1", home.port("src"))) {
            String stats = src.info("stats");
            assertTrue(stats.contains("keyspace_hits:") && !stats.contains("keyspace_hits:50\r"),
                    "cachectl's reads should have counted on the source itself: " + stats);
        }

        JsonNode src = status("src");
        assertEquals(50, src.get("hits").asLong(), src.toString());
        assertEquals(50, src.get("misses").asLong(), src.toString());
        assertEquals(0.5, src.get("hit_ratio").asDouble(), src.toString());

        // the gate sees 50%: below 60%, so the cache is cold and the warm runs
        Files.writeString(home.workDir().resolve("users.jsonl"), "{\"id\":1,\"v\":\"x\"}\n");
        home.run("warm", "users.jsonl", "--to", "src", "--key", "w:{id}", "--value", "v", "--if-hit-ratio-below", "0.6")
                .assertOk();
        try (Jedis redis = new Jedis("127.0.0.1", home.port("src"))) {
            assertEquals("x", redis.get("w:1"), "the warm was skipped: the gate counted cachectl's own reads");
        }
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(home.root().resolve("own-reads.json"))));
    }

    @Test
    void a_cluster_source_is_discounted_node_by_node() throws Exception {
        home.run("start", "shard", "--cluster", "3").assertOk();
        home.run("start", "flat").assertOk();
        String url = home.run("start", "shard").assertOk().out().trim();
        Set<HostAndPort> seeds = new HashSet<>();
        for (String seed : url.substring("redis+cluster://".length()).split(",")) {
            seeds.add(HostAndPort.from(seed));
        }
        try (JedisCluster shard = new JedisCluster(seeds)) {
            for (int i = 0; i < KEYS; i++) {
                shard.set("k:" + i, "v" + i);
            }
            for (int i = 0; i < 30; i++) {
                shard.get("k:" + i);
                shard.get("absent:" + i);
                shard.get("absent-too:" + i);
            }
        }
        home.run("migrate", "shard", "flat", "--reader", "scan").assertOk();
        JsonNode status = status("shard");
        assertEquals(30, status.get("hits").asLong(), status.toString());
        assertEquals(60, status.get("misses").asLong(), status.toString());
    }

    @Test
    void a_migrate_records_its_reads_while_it_runs_so_a_killed_one_is_still_discounted() throws Exception {
        home.run("start", "src", "dst").assertOk();
        Faults.loadStrings(home, "src", 60_000);
        CachectlProcess run = CachectlProcess.launch(home, "migrate.log", "migrate", "src", "dst", "--reader", "scan",
                "--rate", "4000", "--progress", "none");
        Path ledger = home.root().resolve("own-reads.json");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try {
            while (!Files.exists(ledger) || !Files.readString(ledger).contains("\"hits\"")) {
                assertTrue(run.process().isAlive(), () -> "migrate ended before it recorded its reads: " + run.log());
                assertTrue(System.nanoTime() < deadline, "migrate recorded no reads while running");
                Thread.sleep(50);
            }
        } finally {
            run.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        JsonNode status = status("src");
        long hits = status.get("hits").asLong();
        try (Jedis src = new Jedis("127.0.0.1", home.port("src"))) {
            long raw = Long.parseLong(src.info("stats").lines().filter(l -> l.startsWith("keyspace_hits:"))
                    .findFirst().orElseThrow().substring("keyspace_hits:".length()).trim());
            assertTrue(raw > 0 && hits < raw, "nothing discounted: status " + hits + ", server " + raw);
        }
    }

    @Test
    void own_reads_are_forgotten_when_the_server_restarts() throws Exception {
        home.run("start", "src", "dst").assertOk();
        try (Jedis src = new Jedis("127.0.0.1", home.port("src"))) {
            src.set("k", "v");
        }
        home.run("migrate", "src", "dst", "--reader", "scan").assertOk();
        String port = Integer.toString(home.port("src"));
        home.run("stop", "src").assertOk();
        home.run("start", "src", "--port", port).assertOk();
        try (Jedis src = new Jedis("127.0.0.1", home.port("src"))) {
            src.set("k", "v"); // not persisted: the restart started empty
            src.get("k");
            src.get("k");
            src.get("absent");
        }
        JsonNode status = status("src");
        assertEquals(2, status.get("hits").asLong(), "a new run id starts from zero: " + status);
        assertEquals(1, status.get("misses").asLong(), status.toString());
    }

    @Test
    void a_warms_lookups_are_not_taken_off_a_server_that_restarted_during_the_run() throws Exception {
        home.run("start", "t").assertOk();
        String port = Integer.toString(home.port("t"));
        CachectlProcess run = CachectlProcess.launch(home, "nx.log", "warm", "-", "--to", "t", "--key", "h:{id}",
                "--as", "hash", "--nx", "--progress", "none");
        StringBuilder records = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            records.append("{\"id\":").append(i).append(",\"v\":\"x\"}\n");
        }
        run.type(records.toString()); // each hash written with --nx is looked up first: 100 misses, counted by this server
        try (Jedis t = new Jedis("127.0.0.1", home.port("t"))) {
            Await.until(Duration.ofSeconds(30), () -> "the records sent were not written: " + run.log(), () -> {
                assertTrue(run.process().isAlive(), () -> "warm ended early: " + run.log());
                return t.dbSize() == 100;
            });
        }
        home.run("stop", "t").assertOk();
        home.run("start", "t", "--port", port).assertOk(); // a new run id, its counters from 0
        try (Jedis t = new Jedis("127.0.0.1", home.port("t"))) {
            t.set("k", "v");
            t.get("k");
            t.get("k");
            t.get("absent");
        }
        run.process().getOutputStream().close();
        assertEquals(0, run.exitWithin(Duration.ofSeconds(30)), run.log());

        JsonNode status = status("t");
        assertEquals(2, status.get("hits").asLong(), "the warm's lookups were counted before the restart: " + status);
        assertEquals(1, status.get("misses").asLong(), status.toString());
    }

    @Test
    void a_ledger_that_cannot_be_written_never_fails_the_copy() throws Exception {
        home.run("start", "src", "dst").assertOk();
        Faults.loadStrings(home, "src", KEYS);
        // folders that are not empty where the ledger and its lock go: neither can be opened, even by root
        for (String name : new String[] {"own-reads.json", ".own-reads.lock"}) {
            Files.createFile(Files.createDirectory(home.root().resolve(name)).resolve("in-the-way"));
        }
        var result = home.run("migrate", "src", "dst", "--reader", "scan", "--progress", "none").assertOk();
        assertTrue(result.err().startsWith("migrate completed: 100 copied") && !result.err().contains("cachectl:"),
                result.toString());
        try (Jedis dst = new Jedis("127.0.0.1", home.port("dst"))) {
            assertEquals(KEYS, dst.dbSize());
        }
    }
}
