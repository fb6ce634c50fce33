package dev.cachectl.warm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import dev.cachectl.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code --as hash} against a full server (noeviction past maxmemory) and the hit ratio: a hash write is
 * refused as a string write is, on Redis 7 and on the bundled 6.2, and {@code --nx}'s existence check on
 * a hash is not taken for the application's misses.
 */
@Timeout(180)
class WarmHashTest {
    private static final String OOM = "OOM command not allowed when used memory > 'maxmemory'.";

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void a_hash_write_past_maxmemory_fails_as_a_string_write_does() throws IOException {
        home.run("start", "full", "--maxmemory", "2mb", "--policy", "noeviction").assertOk();
        assumeTrue(version("full").startsWith("7."), "needs redis-server 7 on PATH");

        refusedWhenFull("full");
    }

    @Test
    void a_hash_write_past_maxmemory_fails_on_redis_6_2_too() throws IOException {
        // with no redis-server on PATH, cachectl runs the 6.2 its jar bundles
        Path emptyBin = Files.createDirectory(home.workDir().resolve("empty-bin"));
        home.env().put("PATH", emptyBin.toString());
        home.run("start", "six", "--maxmemory", "2mb", "--policy", "noeviction").assertOk();
        assertTrue(version("six").startsWith("6.2."), "the bundled server is 6.2");

        refusedWhenFull("six");
    }

    @Test
    void a_hash_of_thousands_of_fields_is_written_whole_with_nx_as_without() throws IOException {
        home.run("start", "wide").assertOk();
        StringBuilder line = new StringBuilder("{\"id\":\"w\"");
        for (int i = 0; i < 9_000; i++) {
            line.append(",\"f").append(i).append("\":\"").append(i).append('"');
        }
        Files.writeString(home.workDir().resolve("wide.jsonl"), line.append("}\n"));
        JsonNode nx = warm(0, "wide.jsonl", "--to", "wide", "--key", "nx:{id}", "--as", "hash", "--nx", "--ttl", "1h");
        assertEquals(1, nx.get("written").asLong(), nx.toString());
        warm(0, "wide.jsonl", "--to", "wide", "--key", "plain:{id}", "--as", "hash");
        try (Jedis jedis = new Jedis("127.0.0.1", home.port("wide"))) {
            assertEquals(9_001, jedis.hlen("nx:w"));
            assertEquals(jedis.hgetAll("plain:w"), jedis.hgetAll("nx:w"));
            assertEquals("8999", jedis.hget("nx:w", "f8999"));
            assertTrue(jedis.pttl("nx:w") > 3_500_000, "the TTL follows the last HSET");
        }
    }

    /** Fills {@code name} with hashes until it is full: each way of writing a hash is then refused with the server's OOM reason. */
    private void refusedWhenFull(String name) throws IOException {
        write("users.jsonl", 20_000);

        JsonNode fill = refused("users.jsonl", "--to", name, "--key", "h:{id}", "--as", "hash");
        assertTrue(fill.get("written").asLong() > 0, fill.toString());

        // full now, strings and hashes alike (a few may still fit: the last run's connection gave its buffers back)
        refused("users.jsonl", "--to", name, "--key", "s:{id}", "--value", "name");
        refused("users.jsonl", "--to", name, "--key", "h:{id}", "--as", "hash", "--ttl", "1h");
        refused("users.jsonl", "--to", name, "--key", "n:{id}", "--as", "hash", "--nx");
    }

    @Test
    void a_hash_nx_warm_leaves_the_hit_ratio_to_the_application() throws IOException {
        home.run("start", "hr").assertOk();
        write("k1000.jsonl", 1000);

        warm(0, "k1000.jsonl", "--to", "hr", "--key", "u:{id}", "--as", "hash", "--nx");
        JsonNode fresh = status("hr");
        assertEquals(0, fresh.get("hits").asLong() + fresh.get("misses").asLong(), fresh.toString());
        CliResult check = home.run("status", "hr", "--check").assertOk();
        assertEquals(List.of("OK 1 instance up, no findings"), check.out().lines().toList(), check.toString());

        // the application's traffic: 9 hits in 10; a second --nx warm finds every key there
        try (Jedis redis = redis("hr")) {
            for (int i = 0; i < 9; i++) {
                redis.hget("u:1", "name");
            }
            redis.hget("absent", "name");
        }
        JsonNode again = warm(0, "k1000.jsonl", "--to", "hr", "--key", "u:{id}", "--as", "hash", "--nx");
        assertEquals(1000, again.get("skipped").asLong(), again.toString());
        JsonNode status = status("hr");
        assertEquals(9, status.get("hits").asLong(), status.toString());
        assertEquals(1, status.get("misses").asLong(), status.toString());

        CliResult gated = home.run("warm", "k1000.jsonl", "--to", "hr", "--key", "u:{id}", "--as", "hash", "--nx",
                "--if-hit-ratio-below", "0.8").assertOk();
        assertEquals(List.of("warm k1000.jsonl → hr skipped: already warm: hit ratio 90.0% is not below 80.0%"),
                gated.err().lines().toList());
    }

    @Test
    void a_full_cluster_refuses_hashes_as_a_full_server_does() throws IOException {
        home.run("start", "shard", "--cluster", "3", "--maxmemory", "3mb", "--policy", "noeviction").assertOk();
        write("users.jsonl", 60_000);

        JsonNode fill = refused("users.jsonl", "--to", "shard", "--key", "h:{id}", "--as", "hash", "--ttl", "1h");
        refused("users.jsonl", "--to", "shard", "--key", "n:{id}", "--as", "hash", "--nx");

        assertTrue(fill.get("written").asLong() > 0, fill.toString());
    }

    @Test
    void a_hash_nx_warm_into_a_cluster_leaves_the_hit_ratio_of_every_node_alone() throws IOException {
        home.run("start", "shard", "--cluster", "3").assertOk();
        write("k1000.jsonl", 1000);

        warm(0, "k1000.jsonl", "--to", "shard", "--key", "u:{id}", "--as", "hash", "--nx");
        JsonNode again = warm(0, "k1000.jsonl", "--to", "shard", "--key", "u:{id}", "--as", "hash", "--nx");

        assertEquals(1000, again.get("skipped").asLong(), again.toString());
        JsonNode status = status("shard");
        assertEquals(0, status.get("hits").asLong() + status.get("misses").asLong(), status.toString());
    }

    private JsonNode warm(int exit, String... args) throws IOException {
        return Json.MAPPER.readTree(home.run(warmJson(args)).assertExit(exit).out());
    }

    /** A warm that some writes failed in (exit 1 or 4) for the server's OOM reason, as its summary. */
    private JsonNode refused(String... args) throws IOException {
        CliResult r = home.run(warmJson(args));
        JsonNode summary = Json.MAPPER.readTree(r.out());
        assertTrue((r.exitCode() == 1 || r.exitCode() == 4) && summary.get("failed").asLong() > 0, r.toString());
        assertEquals(OOM, summary.get("errors").get(0).get("error").asText(), r.toString());
        return summary;
    }

    private static String[] warmJson(String... args) {
        String[] command = new String[args.length + 2];
        command[0] = "warm";
        System.arraycopy(args, 0, command, 1, args.length);
        command[command.length - 1] = "--json";
        return command;
    }

    private JsonNode status(String name) throws IOException {
        return Json.MAPPER.readTree(home.run("status", name, "--json").assertOk().out()).get("instances").get(0);
    }

    /** {@code count} JSON records of some 150 bytes each. */
    private void write(String file, int count) throws IOException {
        StringBuilder input = new StringBuilder();
        String bio = "x".repeat(100);
        for (int i = 0; i < count; i++) {
            input.append("{\"id\":").append(i).append(",\"name\":\"user ").append(i).append("\",\"bio\":\"").append(bio).append("\"}\n");
        }
        Files.writeString(home.workDir().resolve(file), input);
    }

    private String version(String name) {
        try (Jedis redis = redis(name)) {
            return redis.info("server").lines().filter(l -> l.startsWith("redis_version:")).findFirst().orElseThrow()
                    .substring("redis_version:".length());
        }
    }

    private Jedis redis(String name) {
        return new Jedis("127.0.0.1", home.port(name));
    }
}
