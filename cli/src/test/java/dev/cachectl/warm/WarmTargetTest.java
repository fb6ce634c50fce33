package dev.cachectl.warm;

import java.time.Duration;
import dev.cachectl.testing.Await;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import dev.cachectl.util.Json;
import dev.cachectl.util.Ports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientType;
import redis.clients.jedis.params.ClientKillParams;

import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WarmTargetTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void a_target_dying_mid_run_gives_exit_4_and_counts_that_match_the_server() throws Exception {
        // persisted, so that what the server had acknowledged can be counted after it has gone
        home.run("start", "t", "--persist").assertOk();
        Path input = home.workDir().resolve("big.jsonl");
        try (BufferedWriter w = Files.newBufferedWriter(input)) {
            for (int i = 0; i < 100_000; i++) {
                w.write("{\"id\":" + i + ",\"v\":\"value-" + i + "\"}\n");
            }
        }
        int port = home.port("t");
        CompletableFuture<CliResult> run = CompletableFuture.supplyAsync(() -> home.run("warm", "big.jsonl", "--to", "t",
                "--key", "k:{id}", "--value", "v", "--rate", "5000", "--json"));
        try (Jedis redis = new Jedis("127.0.0.1", port)) {
            Await.until(Duration.ofSeconds(20), "warm never got going", () -> {
                assertFalse(run.isDone(), () -> "warm ended before 1000 keys: " + run.join());
                return redis.dbSize() >= 1000;
            });
        }
        home.run("stop", "t").assertOk();

        CliResult r = run.get(30, TimeUnit.SECONDS).assertExit(4);
        JsonNode summary = Json.MAPPER.readTree(r.out());
        long written = summary.get("written").asLong();
        long unconfirmed = summary.get("unconfirmed").asLong();
        assertEquals("partial", summary.get("outcome").asText());
        assertTrue(summary.get("message").asText().contains("lost the connection"), r.toString());
        assertEquals(summary.get("read").asLong(), written + summary.get("skipped").asLong()
                + summary.get("malformed").asLong() + summary.get("failed").asLong(), "the counts add up: " + r.out());
        assertTrue(summary.get("read").asLong() < 100_000, "the run went on reading after the target died");

        home.run("start", "t").assertOk();
        try (Jedis redis = new Jedis("127.0.0.1", home.port("t"))) {
            long stored = redis.dbSize();
            assertTrue(stored >= written && stored <= written + unconfirmed,
                    "the server has " + stored + " keys; warm says " + written + " written, " + unconfirmed + " unconfirmed");
        }
    }

    @Test
    void records_never_sent_after_a_lost_connection_are_counted_in_the_summary_not_as_more_errors() throws Exception {
        home.run("start", "t").assertOk();
        Path input = home.workDir().resolve("big.jsonl");
        try (BufferedWriter w = Files.newBufferedWriter(input)) {
            for (int i = 0; i < 100_000; i++) {
                w.write("{\"id\":" + i + ",\"v\":\"value-" + i + "\"}\n");
            }
        }
        CompletableFuture<CliResult> run = CompletableFuture.supplyAsync(() -> home.run("warm", "big.jsonl", "--to", "t",
                "--key", "k:{id}", "--value", "v", "--rate", "5000"));
        try (Jedis redis = new Jedis("127.0.0.1", home.port("t"))) {
            Await.until(Duration.ofSeconds(20), "warm never got going", () -> {
                assertFalse(run.isDone(), () -> "warm ended before 1000 keys: " + run.join());
                return redis.dbSize() >= 1000;
            });
            // every connection but this one: the server stays up, warm's pipeline is cut
            redis.clientKill(new ClientKillParams().type(ClientType.NORMAL));
        }

        CliResult r = run.get(30, TimeUnit.SECONDS).assertExit(4);
        assertTrue(r.err().contains("lost the connection to target"), r.toString());
        assertFalse(r.err().contains("… and "), "no single record failed, so there are no more of them: " + r);
        Matcher line = Pattern.compile("failed (\\d+)(?: \\((?:(\\d+) unconfirmed)?(?:, )?(?:(\\d+) not sent)?\\))?;")
                .matcher(r.err());
        assertTrue(line.find(), r.toString());
        long failed = Long.parseLong(line.group(1));
        long unconfirmed = line.group(2) == null ? 0 : Long.parseLong(line.group(2));
        long notSent = line.group(3) == null ? 0 : Long.parseLong(line.group(3));
        assertTrue(failed > 0, r.toString());
        assertEquals(failed, unconfirmed + notSent, "every failure lost with the connection is accounted for: " + r);
    }

    @Test
    void nothing_written_before_the_target_went_away_is_exit_1() throws Exception {
        home.run("start", "t").assertOk();
        Files.writeString(home.workDir().resolve("u.jsonl"), "{\"id\":1,\"v\":\"x\"}\n");
        try (Jedis redis = new Jedis("127.0.0.1", home.port("t"))) {
            redis.configSet("maxmemory", "1");
            redis.configSet("maxmemory-policy", "noeviction");
        }
        CliResult r = home.run("warm", "u.jsonl", "--to", "t", "--key", "k:{id}", "--value", "v").assertExit(1);
        assertTrue(r.err().contains("line 1: OOM"), r.toString());
        assertTrue(r.err().contains("written 0") && r.err().contains("failed 1"), r.toString());
    }

    @Test
    void a_redis_cluster_target_gets_every_key_on_the_node_that_owns_its_slot() throws Exception {
        int port = Ports.pickFree();
        Path dir = Files.createTempDirectory(home.workDir(), "cluster");
        Process node = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--cluster-enabled", "yes", "--cluster-config-file", dir.resolve("nodes.conf").toString(),
                "--dir", dir.toString(), "--save", "", "--appendonly", "no")
                .redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
        try {
            try (Jedis admin = awaitUp(port)) {
                admin.clusterAddSlotsRange(0, 16383);
                Await.until(Duration.ofSeconds(10), "the one-node cluster never became ok",
                        () -> admin.clusterInfo().contains("cluster_state:ok"));
            }
            StringBuilder input = new StringBuilder();
            for (int i = 0; i < 1000; i++) {
                input.append("{\"id\":").append(i).append(",\"v\":\"x").append(i).append("\"}\n");
            }
            Files.writeString(home.workDir().resolve("items.jsonl"), input);
            String url = "redis+cluster://127.0.0.1:" + port;

            home.run("warm", "items.jsonl", "--to", url, "--key", "i:{id}", "--value", "v", "--ttl", "1h").assertOk();
            home.run("warm", "items.jsonl", "--to", url, "--key", "h:{id}", "--as", "hash", "--nx").assertOk();
            CliResult skipped = home.run("warm", "items.jsonl", "--to", url, "--key", "h:{id}", "--as", "hash",
                    "--if-keys-below", "2000").assertOk();

            assertTrue(skipped.err().contains("2000 keys, not below 2000"), skipped.toString());
            try (Jedis redis = new Jedis("127.0.0.1", port)) {
                assertEquals(2000, redis.dbSize());
                assertEquals("x999", redis.get("i:999"));
                assertEquals("x5", redis.hget("h:5", "v"));
                assertTrue(redis.ttl("i:1") > 3500);
            }
        } finally {
            node.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static Jedis awaitUp(int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            Jedis jedis = new Jedis("127.0.0.1", port);
            try {
                jedis.ping();
                return jedis;
            } catch (RuntimeException e) {
                jedis.close();
                assertTrue(System.nanoTime() < deadline, "redis-server did not come up: " + e);
                Thread.sleep(20); // between connection attempts; the deadline above ends the wait
            }
        }
    }
}
