package dev.cachectl.redis.copy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.config.Endpoint;
import dev.cachectl.redis.RedisClients;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import dev.cachectl.util.Json;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Copies to and from a server that speaks TLS only ({@code start --tls}), with both readers. */
class MigrateTlsTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    private Jedis tls(String name) {
        String ca = home.instanceDir(name).resolve("tls").resolve("ca.crt").toString();
        return RedisClients.open(Endpoint.local(home.port(name), null).withTls(ca), Duration.ofSeconds(5));
    }

    @ParameterizedTest(name = "--reader {0}")
    @ValueSource(strings = {"scan", "sync"})
    void copies_into_and_out_of_a_tls_server_and_verifies(String reader) throws IOException {
        home.run("start", "plain").assertOk();
        home.run("start", "secure", "--tls").assertOk();
        List<Samples.Sample> samples;
        try (Jedis plain = new Jedis("127.0.0.1", home.port("plain")); Jedis secure = tls("secure")) {
            plain.configSet("repl-diskless-sync-delay", "0");
            secure.configSet("repl-diskless-sync-delay", "0");
            samples = Samples.writeEveryType(plain, "p");
            plain.setex("ttl", 1000, "v");
        }
        CliResult in = home.run("migrate", "plain", "secure", "--reader", reader, "--verify", "full", "--json").assertOk();
        JsonNode summary = Json.MAPPER.readTree(in.out());
        assertEquals(reader, summary.get("reader").asText(), in.toString());
        assertEquals(samples.size() + 1, summary.get("copied").asLong(), in.toString());
        assertEquals(0, summary.get("verification").get("mismatches").asLong(), in.toString());

        // and back out of it, from its snapshot or its SCAN, into another db
        CliResult out = home.run("migrate", "secure", "plain", "--reader", reader, "--db-map", "0:1", "--verify", "full",
                "--json").assertOk();
        assertEquals(0, Json.MAPPER.readTree(out.out()).get("verification").get("mismatches").asLong(), out.toString());
        try (Jedis plain0 = new Jedis("127.0.0.1", home.port("plain")); Jedis plain1 = new Jedis("127.0.0.1", home.port("plain"))) {
            plain1.select(1);
            for (Samples.Sample s : samples) {
                Samples.assertSameValue(plain0, s.key(), plain1, s.key(), s.type());
            }
        }

        java.nio.file.Files.writeString(home.workDir().resolve("users.jsonl"), "{\"id\":1,\"name\":\"Ada\"}\n");
        home.run("warm", "users.jsonl", "--to", "secure", "--key", "user:{id}", "--value", "name").assertOk();
        try (Jedis secure = tls("secure")) {
            assertEquals("Ada", secure.get("user:1"));
        }
    }
}
