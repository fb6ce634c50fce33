package dev.cachectl.status.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.Processes;
import dev.cachectl.testing.CliResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrometheusTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void prometheus_prints_valid_exposition_text_with_redis_exporters_names() throws Exception {
        home.run("start", "cache").assertOk();
        try (Jedis jedis = new Jedis("127.0.0.1", home.port("cache"))) {
            jedis.set("a", "1");
            jedis.set("b", "2");
            jedis.psetex("short", 1, "gone");
            jedis.select(2);
            jedis.setex("c", 3600, "3");
            jedis.get("c");
            jedis.get("missing");
            // the server's active expiry removes it (INFO touches no keyspace counter, unlike EXISTS)
            dev.cachectl.testing.Await.until(java.time.Duration.ofSeconds(10), "short expires",
                    () -> jedis.info("stats").contains("expired_keys:1"));
        }
        CliResult result = home.run("status", "cache", "never", "--prometheus").assertExit(3);
        Map<String, Double> m = ExpositionFormat.parse(result.out());

        assertEquals(1.0, m.get("redis_up{instance=cache}"), result.out());
        assertEquals(0.0, m.get("redis_up{instance=never}"), result.out());
        assertEquals(2.0, m.get("redis_db_keys{db=db0,instance=cache}"), result.out());
        assertEquals(1.0, m.get("redis_db_keys{db=db2,instance=cache}"), result.out());
        assertEquals(0.0, m.get("redis_db_keys_expiring{db=db0,instance=cache}"), result.out());
        assertEquals(1.0, m.get("redis_db_keys_expiring{db=db2,instance=cache}"), result.out());
        assertEquals(1.0, m.get("redis_keyspace_hits_total{instance=cache}"), result.out());
        assertTrue(m.get("redis_keyspace_misses_total{instance=cache}") >= 1, result.out());
        assertEquals(1.0, m.get("redis_expired_keys_total{instance=cache}"), result.out());
        assertEquals(0.0, m.get("redis_evicted_keys_total{instance=cache}"), result.out());
        assertTrue(m.get("redis_memory_used_bytes{instance=cache}") > 100_000, result.out());
        assertTrue(m.containsKey("redis_memory_max_bytes{instance=cache}"), result.out());
        assertTrue(m.get("redis_commands_processed_total{instance=cache}") >= 7, result.out());
        assertEquals(0.0, m.get("redis_connected_clients{instance=cache}"), result.out());
        assertTrue(m.get("cachectl_hit_ratio{instance=cache}") > 0 && m.get("cachectl_hit_ratio{instance=cache}") < 1, result.out());
        assertTrue(m.containsKey("cachectl_idle_seconds{instance=cache}"), result.out());
        // a down instance says so and nothing else
        assertEquals(1, m.keySet().stream().filter(k -> k.contains("instance=never")).count(), result.out());
    }

    @Test
    void a_mongo_instance_has_mongodb_families_not_redis_ones() throws Exception {
        home.run("start", "docs", "--engine", "mongo").assertOk();
        try (com.mongodb.client.MongoClient client = com.mongodb.client.MongoClients.create(
                "mongodb://127.0.0.1:" + home.port("docs"))) {
            var orders = client.getDatabase("shop").getCollection("orders");
            orders.insertOne(new org.bson.Document("n", 1));
            orders.insertOne(new org.bson.Document("n", 2));
        }
        CliResult result = home.run("status", "docs", "--prometheus").assertOk();
        Map<String, Double> m = ExpositionFormat.parse(result.out());
        assertEquals(1.0, m.get("mongodb_up{instance=docs}"), result.out());
        assertEquals(2.0, m.get("mongodb_db_documents{db=shop,instance=docs}"), result.out());
        assertTrue(m.containsKey("cachectl_idle_seconds{instance=docs}"), result.out());
        assertTrue(m.keySet().stream().noneMatch(k -> k.startsWith("redis_")), "no redis_* series for a mongo instance: " + result.out());
        home.run("stop", "docs").assertOk();
    }

    @Test
    void a_cluster_has_its_totals_and_a_node_label_per_node() throws Exception {
        home.run("start", "shard", "--cluster", "3").assertOk();
        CliResult result = home.run("status", "shard", "--prometheus").assertOk();
        Map<String, Double> m = ExpositionFormat.parse(result.out());
        assertEquals(1.0, m.get("redis_up{instance=shard}"), result.out());
        assertEquals(3, m.keySet().stream().filter(k -> k.matches("redis_up\\{instance=shard,node=127\\.0\\.0\\.1:[0-9]+,role=master}")
                && m.get(k) == 1.0).count(), result.out());
        assertEquals(3, m.keySet().stream().filter(k -> k.startsWith("redis_memory_used_bytes{instance=shard,node=")).count(),
                result.out());
        double nodes = m.entrySet().stream().filter(e -> e.getKey().startsWith("redis_memory_used_bytes{instance=shard,node="))
                .mapToDouble(Map.Entry::getValue).sum();
        assertEquals(nodes, m.get("redis_memory_used_bytes{instance=shard}"), result.out());
    }

    @Test
    void a_clusters_counters_are_per_node_and_none_goes_down_when_a_replica_dies() throws Exception {
        startShardWith300Keys(true);
        CliResult before = home.run("status", "shard", "--prometheus").assertOk();
        Map<String, Double> was = ExpositionFormat.parse(before.out());
        // a sum over the nodes that answered is not a counter: only the nodes' own series exist
        assertTrue(was.keySet().stream().noneMatch(k -> k.contains("_total{instance=shard}")), before.out());
        assertEquals(6, was.keySet().stream().filter(k -> k.startsWith("redis_commands_processed_total{instance=shard,node=")).count(),
                before.out());
        assertEquals(3, was.keySet().stream().filter(k -> k.startsWith("redis_keyspace_hits_total{") && k.endsWith("role=master}")).count(),
                before.out());

        JsonNode replica = null;
        for (JsonNode n : home.state("shard").get("nodes")) {
            replica = "replica".equals(n.path("role").asText()) ? n : replica;
        }
        Processes.killAndWait(replica.get("pid").asLong());
        CliResult after = home.run("status", "shard", "--prometheus").assertExit(3);
        Map<String, Double> now = ExpositionFormat.parse(after.out());
        String dead = "node=127.0.0.1:" + replica.get("port").asInt() + ",";
        assertEquals(0.0, now.get("redis_up{instance=shard," + dead + "role=replica}"), after.out());
        was.forEach((series, value) -> {
            if (series.contains("_total{")) {
                assertTrue(series.contains(dead) ? !now.containsKey(series) : now.get(series) >= value,
                        "counter " + series + " went from " + value + " to " + now.get(series) + ":\n" + after.out());
            }
        });
        assertTrue(now.keySet().stream().noneMatch(k -> k.contains("_total{instance=shard}")), after.out());
    }

    @Test
    void a_clusters_keys_are_its_masters_keys_and_its_memory_all_nodes_memory() throws Exception {
        startShardWith300Keys(false);
        // replicas copy their masters' keys asynchronously
        dev.cachectl.testing.Await.until(java.time.Duration.ofSeconds(30), "replicas hold 300 keys", () -> {
            Map<String, Double> m = ExpositionFormat.parse(home.run("status", "shard", "--prometheus").assertOk().out());
            return sum(m, "redis_db_keys{db=db0,instance=shard,node=", "role=replica}") == 300;
        });
        CliResult result = home.run("status", "shard", "--prometheus").assertOk();
        Map<String, Double> m = ExpositionFormat.parse(result.out());
        assertEquals(300.0, m.get("redis_db_keys{db=db0,instance=shard}"), result.out());
        assertEquals(300.0, sum(m, "redis_db_keys{db=db0,instance=shard,node=", "role=master}"), result.out());
        assertEquals(m.get("redis_memory_used_bytes{instance=shard}"), sum(m, "redis_memory_used_bytes{instance=shard,node=", "}"),
                result.out());
        assertEquals(m.get("redis_memory_max_bytes{instance=shard}"), sum(m, "redis_memory_max_bytes{instance=shard,node=", "}"),
                result.out());
        assertEquals(m.get("redis_connected_clients{instance=shard}"), sum(m, "redis_connected_clients{instance=shard,node=", "}"),
                result.out());
    }

    /** A 3x1 cluster {@code shard} holding keys k:0…k:299, each read once when {@code read}. */
    private void startShardWith300Keys(boolean read) {
        home.run("start", "shard", "--cluster", "3x1").assertOk();
        try (redis.clients.jedis.JedisCluster cluster = new redis.clients.jedis.JedisCluster(
                java.util.Set.of(new redis.clients.jedis.HostAndPort("127.0.0.1", home.port("shard"))))) {
            for (int i = 0; i < 300; i++) {
                cluster.set("k:" + i, "v");
                if (read) {
                    cluster.get("k:" + i);
                }
            }
        }
    }

    private static double sum(Map<String, Double> m, String prefix, String suffix) {
        return m.entrySet().stream().filter(e -> e.getKey().startsWith(prefix) && e.getKey().endsWith(suffix))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    @Test
    void the_format_check_catches_what_promtool_would_refuse() {
        assertThrows(AssertionError.class, () -> ExpositionFormat.parse("redis_up{instance=\"a\"} 1\n"));
        assertThrows(AssertionError.class, () -> ExpositionFormat.parse(
                "# HELP x_total x\n# TYPE x_total gauge\nx_total 1\n"));
        assertThrows(AssertionError.class, () -> ExpositionFormat.parse(
                "# HELP x x\n# TYPE x gauge\nx{a=\"1\"} 1\nx{a=\"1\"} 2\n"));
        assertThrows(AssertionError.class, () -> ExpositionFormat.parse(
                "# HELP x x\n# TYPE x gauge\n# TYPE x gauge\nx 1\n"));
        assertThrows(AssertionError.class, () -> ExpositionFormat.parse(
                "# HELP x x\n# TYPE x gauge\nx{a=\"un\"escaped\"} 1\n"));
        assertEquals(Map.of("x{a=q\\\"}", 1.0), ExpositionFormat.parse("# HELP x x\n# TYPE x gauge\nx{a=\"q\\\"\"} 1\n"));
    }

    @Test
    void prometheus_file_is_written_whole_and_readable_by_a_collector() throws Exception {
        home.run("start", "cache").assertOk();
        Path file = home.workDir().resolve("cachectl.prom");
        home.run("status", "cache", "--prometheus-file", "cachectl.prom").assertOk();
        Map<String, Double> m = ExpositionFormat.parse(Files.readString(file));
        assertEquals(1.0, m.get("redis_up{instance=cache}"));
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (Stream<Path> files = Files.list(home.workDir())) {
            assertEquals(1, files.filter(p -> p.getFileName().toString().contains("cachectl.prom")).count(),
                    "a temporary file was left next to it");
        }
    }

    @Test
    void a_prometheus_file_that_cannot_be_written_is_one_line_and_exit_1() throws Exception {
        home.run("start", "cache").assertOk();
        Path file = Files.createDirectory(home.workDir().resolve("cachectl.prom")); // a folder that is not empty in its place
        Files.writeString(file.resolve("in-the-way"), "x");
        CliResult result = home.run("status", "cache", "--prometheus-file", "cachectl.prom").assertExit(1);
        assertEquals(List.of("cachectl: cannot write metrics file " + file + ": Is a directory"), result.err().lines().toList(),
                result.toString());
        try (Stream<Path> files = Files.list(home.workDir())) {
            assertEquals(List.of(file), files.filter(p -> p.getFileName().toString().contains("cachectl.prom")).toList(),
                    "a temporary file was left next to it");
        }
    }
}
