package dev.cachectl.status;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import dev.cachectl.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.Pipeline;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code status --analyze}: where the memory goes, estimated from a sample within its stated error, or exact. */
class AnalyzeTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    /** 2,000 keys of 1,000 bytes, 4,000 of 200, 6,000 of 10: ranked big, mid, small by memory, not by count. */
    private int knownNamespaces() {
        home.run("start", "cache").assertOk();
        int port = home.port("cache");
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            Pipeline p = jedis.pipelined();
            for (int i = 0; i < 2000; i++) {
                p.set("big:" + i, "b".repeat(1000));
            }
            for (int i = 0; i < 4000; i++) {
                p.set("mid:" + i, "m".repeat(200));
            }
            for (int i = 0; i < 6000; i++) {
                p.set("small:" + i, "s".repeat(10));
            }
            p.sync();
        }
        return port;
    }

    @Test
    void a_sample_ranks_namespaces_by_memory_within_its_stated_error() throws IOException {
        knownNamespaces();
        JsonNode exact = analysis(home.run("--json", "status", "cache", "--analyze", "--full").assertOk());
        assertTrue(exact.get("full").asBoolean(), exact.toString());
        assertEquals(12000, exact.get("sampled").asLong());
        Map<String, JsonNode> truth = byName(exact.get("namespaces"));
        assertEquals(List.of("big:*", "mid:*", "small:*"), names(exact.get("namespaces")));
        assertEquals(2000, truth.get("big:*").get("keys").asLong());
        assertEquals(0.0, truth.get("big:*").get("memory_share_error").asDouble());

        JsonNode sample = analysis(home.run("--json", "status", "cache", "--analyze", "--sample", "2000").assertOk());
        assertFalse(sample.get("full").asBoolean(), sample.toString());
        assertEquals(2000, sample.get("sampled").asLong());
        assertEquals(12000, sample.get("keys").asLong());
        assertEquals(List.of("big:*", "mid:*", "small:*"), names(sample.get("namespaces")));
        for (JsonNode estimate : sample.get("namespaces")) {
            JsonNode real = truth.get(estimate.get("name").asText());
            double error = estimate.get("memory_share_error").asDouble();
            assertTrue(error > 0 && error < 0.05, estimate.toString());
            // twice the 95% half-width: a correct estimator misses this about once in 10,000 runs
            assertTrue(Math.abs(estimate.get("memory_share").asDouble() - real.get("memory_share").asDouble()) <= 2 * error,
                    estimate + " vs " + real);
            assertTrue(Math.abs(estimate.get("keys_share").asDouble() - real.get("keys_share").asDouble())
                    <= 2 * estimate.get("keys_share_error").asDouble(), estimate + " vs " + real);
        }
    }

    @Test
    void the_analysis_keeps_its_own_reads_out_of_the_hit_ratio() throws IOException {
        int port = knownNamespaces();
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            for (int i = 0; i < 30; i++) {
                jedis.get("big:" + i);
            }
            jedis.get("absent");
        }
        CliResult analysed = home.run("--json", "status", "cache", "--analyze", "--full").assertOk();
        JsonNode cache = Json.MAPPER.readTree(analysed.out()).at("/instances/0");
        assertEquals(30, cache.get("hits").asLong(), analysed.toString());
        assertEquals(1, cache.get("misses").asLong(), analysed.toString());
        JsonNode later = Json.MAPPER.readTree(home.run("--json", "status", "cache").assertOk().out()).at("/instances/0");
        assertEquals(30, later.get("hits").asLong(), later.toString());
    }

    @Test
    void lists_the_biggest_keys_with_their_element_count_and_the_ttl_bands() throws IOException {
        home.run("start", "cache").assertOk();
        try (Jedis jedis = new Jedis("127.0.0.1", home.port("cache"))) {
            Map<String, String> fields = new HashMap<>();
            for (int i = 0; i < 10_001; i++) {
                fields.put("f" + i, "v");
            }
            jedis.hset("huge:hash", fields);
            jedis.rpush("q:list", "a", "b", "c");
            jedis.set("s:plain", "x".repeat(500));
            jedis.setex("s:hour", 100, "x");
            jedis.setex("s:day", 7200, "x");
            jedis.setex("s:week", 600_000, "x");
        }
        CliResult result = home.run("--json", "status", "cache", "--analyze", "--top", "2").assertOk();
        JsonNode a = analysis(result);
        assertEquals(2, a.get("biggest").size(), a.toString());
        JsonNode first = a.get("biggest").get(0);
        assertEquals("huge:hash", first.get("key").asText());
        assertEquals("hash", first.get("type").asText());
        assertEquals(10_001, first.get("elements").asLong());
        assertEquals("s:plain", a.get("biggest").get(1).get("key").asText());
        assertEquals(500, a.get("biggest").get(1).get("elements").asLong());
        Map<String, JsonNode> ttl = byName(a.get("ttl"));
        assertEquals(3, ttl.get("none").get("keys").asLong());
        assertEquals(1, ttl.get("under_1h").get("keys").asLong());
        assertEquals(1, ttl.get("under_1d").get("keys").asLong());
        assertEquals(1, ttl.get("longer").get("keys").asLong());
        assertEquals(Set.of("hash", "list", "string"), byName(a.get("types")).keySet());

        JsonNode finding = Json.MAPPER.readTree(result.out()).at("/findings/0");
        assertEquals("big_keys", finding.get("rule").asText(), result.toString());
        assertTrue(finding.get("measure").asText().contains("'huge:hash' (hash, 10001 elements"), finding.toString());

        CliResult text = home.run("status", "cache", "--analyze", "--depth", "1").assertOk();
        assertTrue(text.out().contains("cache: where the memory goes (every key (6)"), text.toString());
        assertTrue(text.out().lines().anyMatch(l -> l.trim().startsWith("huge:hash") && l.contains("10001")), text.toString());
        assertTrue(text.out().contains("big_keys") || text.out().contains("over 10,000 elements"), text.toString());
    }

    @Test
    void reads_every_db_and_every_master_of_a_cluster() throws IOException {
        home.run("start", "multi").assertOk();
        try (Jedis jedis = new Jedis("127.0.0.1", home.port("multi"))) {
            for (int db = 0; db < 3; db += 2) {
                jedis.select(db);
                for (int i = 0; i < 50 * (db + 1); i++) {
                    jedis.set("db" + db + ":" + i, "v");
                }
            }
        }
        Map<String, JsonNode> dbs = byName(analysis(home.run("--json", "status", "multi", "--analyze").assertOk()).get("dbs"));
        assertEquals(50, dbs.get("db0").get("keys").asLong());
        assertEquals(150, dbs.get("db2").get("keys").asLong());

        home.run("start", "c", "--cluster", "3").assertOk();
        try (JedisCluster cluster = new JedisCluster(new HostAndPort("127.0.0.1", home.port("c")))) {
            for (int i = 0; i < 300; i++) {
                cluster.set("k" + i % 3 + ":" + i, "v");
            }
        }
        JsonNode all = analysis(home.run("--json", "status", "c", "--analyze", "--full").assertOk(), "c");
        assertEquals(300, all.get("sampled").asLong(), all.toString());
        assertEquals(Set.of("k0:*", "k1:*", "k2:*"), byName(all.get("namespaces")).keySet());
    }

    @Test
    void rate_bounds_the_keys_read_per_second_and_bad_settings_are_refused() throws IOException {
        home.run("start", "cache").assertOk();
        try (Jedis jedis = new Jedis("127.0.0.1", home.port("cache"))) {
            Pipeline p = jedis.pipelined();
            for (int i = 0; i < 600; i++) {
                p.set("k:" + i, "v");
            }
            p.sync();
        }
        JsonNode slow = analysis(home.run("--json", "status", "cache", "--analyze", "--full", "--rate", "300").assertOk());
        assertTrue(slow.get("millis").asLong() >= 900, "600 keys at 300/s took " + slow.get("millis") + " ms");
        CliResult bad = home.run("status", "cache", "--analyze", "--depth", "0").assertExit(2);
        assertTrue(bad.err().contains("--depth must be at least 1"), bad.toString());
        CliResult negative = home.run("status", "cache", "--analyze", "--rate", "-5").assertExit(2);
        assertTrue(negative.err().contains("--rate must not be negative"), negative.toString());
    }

    private static JsonNode analysis(CliResult result) throws IOException {
        return analysis(result, null);
    }

    private static JsonNode analysis(CliResult result, String name) throws IOException {
        JsonNode analyses = Json.MAPPER.readTree(result.out()).get("analysis");
        assertTrue(analyses != null && analyses.size() == 1, result.toString());
        return name == null ? analyses.elements().next() : analyses.get(name);
    }

    private static Map<String, JsonNode> byName(JsonNode groups) {
        Map<String, JsonNode> map = new HashMap<>();
        groups.forEach(g -> map.put(g.get("name").asText(), g));
        return map;
    }

    private static List<String> names(JsonNode groups) {
        List<String> names = new java.util.ArrayList<>();
        groups.forEach(g -> names.add(g.get("name").asText()));
        return names;
    }
}
