package dev.cachectl.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.config.Endpoint;
import dev.cachectl.redis.RedisClients;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import dev.cachectl.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** bench against a TLS instance (started with {@code --tls}, with a password): the same loop, counts and report as plain TCP. */
class BenchTlsTest {
    private static final String PASSWORD = "tls-bench-secret";

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void a_tls_target_with_a_password_is_benchmarked_exactly_and_redis_url_to_it_is_refused() throws IOException {
        home.run("start", "s", "--tls", "--password", PASSWORD).assertOk();
        int port = home.port("s");
        Endpoint endpoint = Endpoint.local(port, PASSWORD)
                .withTls(home.instanceDir("s").resolve("tls").resolve("ca.crt").toString());
        try (Jedis redis = RedisClients.open(endpoint, Duration.ofSeconds(5))) {
            long before = BenchTest.calls(redis);
            CliResult r = home.run("--json", "bench", "s", "--requests", "3000", "--ratio", "1:1", "--no-preload",
                    "--clients", "7", "--pipeline", "3", "--keys", "500").assertOk();
            assertEquals(3000, BenchTest.calls(redis) - before, r.toString());
            JsonNode report = Json.MAPPER.readTree(r.out());
            assertEquals(3000, report.at("/overall/count").asLong(), r.toString());
            assertEquals(0, report.get("errors").asLong(), r.toString());

            // values larger than a TLS record (16 KiB) and pipelined: replies span records and reads
            before = BenchTest.calls(redis);
            CliResult big = home.run("--json", "bench", "s", "--requests", "400", "--ratio", "1:1", "--no-preload",
                    "--clients", "3", "--pipeline", "8", "--keys", "50", "--data-size-range", "1000-40000",
                    "--key-prefix", "big:").assertOk();
            assertEquals(400, BenchTest.calls(redis) - before, big.toString());
            assertEquals(0, Json.MAPPER.readTree(big.out()).get("errors").asLong(), big.toString());

            // the open loop (--rate) over TLS: every scheduled operation goes out and is answered
            before = BenchTest.calls(redis);
            CliResult paced = home.run("--json", "bench", "s", "--requests", "600", "--rate", "3000", "--ratio", "1:1",
                    "--no-preload", "--clients", "4", "--keys", "100", "--key-prefix", "paced:").assertOk();
            assertEquals(600, BenchTest.calls(redis) - before, paced.toString());
            assertEquals(600, Json.MAPPER.readTree(paced.out()).at("/overall/count").asLong(), paced.toString());
        }

        JsonNode warm = Json.MAPPER.readTree(home.run("--json", "bench", "s", "--ratio", "0:1", "--keys", "1000",
                "--requests", "3000", "--key-prefix", "warm:").assertOk().out());
        assertEquals(1.0, warm.at("/gets/hit_ratio").asDouble(), warm.toString());
        assertEquals(3000, warm.at("/gets/hits").asLong(), warm.toString());

        CliResult plain = home.run("bench", "redis://:" + PASSWORD + "@127.0.0.1:" + port, "--requests", "10").assertExit(3);
        assertEquals(1, plain.err().strip().lines().count(), plain.toString());
        assertTrue(plain.err().contains("if it serves TLS, use rediss://"), plain.toString());
    }

    /**
     * An ACL user over TLS: a rediss:// URL with a user and a private CA can only come from the JVM's
     * trust store, which one test JVM cannot swap, so this drives the target behind the command with
     * the endpoint a name would give plus the user. The user's password differs from the default
     * user's, so a load connection that sent AUTH without the user would be refused.
     */
    @Test
    void an_acl_user_authenticates_the_load_connections_over_tls() throws IOException {
        home.run("start", "s", "--tls", "--password", PASSWORD).assertOk();
        Endpoint admin = Endpoint.local(home.port("s"), PASSWORD)
                .withTls(home.instanceDir("s").resolve("tls").resolve("ca.crt").toString());
        try (Jedis redis = RedisClients.open(admin, Duration.ofSeconds(5))) {
            redis.aclSetUser("bencher", "on", ">bencher-secret", "~*", "+@all");
            Endpoint user = new Endpoint("rediss", "127.0.0.1", home.port("s"), "bencher", "bencher-secret", 0,
                    java.util.List.of(), admin.caCert());
            long before = BenchTest.calls(redis);
            LoadShape shape = new LoadShape(3, 1, 2, 300, null, Duration.ZERO, 0);
            LoadRun run = new LoadRun(shape, shape.threads(), 1);
            try (RedisBenchTarget target = new RedisBenchTarget("s", user)) {
                target.drive(new Workload(1, 1, 100, KeyPattern.uniform, 0.99, "acl:", 10, 10, 1), shape, run);
            }
            assertEquals(null, run.failure());
            assertEquals(300, run.completed());
            assertEquals(0, run.errors());
            assertEquals(300, BenchTest.calls(redis) - before);
        }
    }
}
