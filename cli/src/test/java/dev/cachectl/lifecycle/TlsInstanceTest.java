package dev.cachectl.lifecycle;

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
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code start --tls}: a server that speaks TLS only, with a CA of its own that cachectl trusts. */
class TlsInstanceTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    private Jedis tls(String name) {
        Endpoint endpoint = Endpoint.local(home.port(name), null).withTls(caOf(name).toString());
        return RedisClients.open(endpoint, java.time.Duration.ofSeconds(5));
    }

    private Path caOf(String name) {
        return home.instanceDir(name).resolve("tls").resolve("ca.crt");
    }

    @Test
    void a_tls_instance_answers_over_tls_only_and_everything_cachectl_does_works_on_it() throws Exception {
        CliResult started = home.run("start", "secure", "--tls", "--persist").assertOk();
        assertTrue(started.out().trim().startsWith("rediss://127.0.0.1:"), started.toString());
        try (Jedis jedis = tls("secure")) {
            assertEquals("PONG", jedis.ping());
            assertTrue(jedis.configGet("port").containsValue("0"), "no plain-text port");
        }
        try (Socket plain = new Socket("127.0.0.1", home.port("secure"));
             Jedis notTls = new Jedis("127.0.0.1", home.port("secure"))) {
            assertTrue(plain.isConnected());
            assertFalse(tryPing(notTls), "a plain-text client gets nowhere");
        }
        for (String key : new String[] {"ca.key", "server.key", "ca.crt"}) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                    home.instanceDir("secure").resolve("tls").resolve(key))), key);
        }

        JsonNode status = Json.MAPPER.readTree(home.run("status", "secure", "--json").assertOk().out());
        assertTrue(status.get("instances").get(0).get("up").asBoolean(), status.toString());

        CliResult run = home.run("run", "--with", "secure", "--", "sh", "-c",
                "redis-cli --tls --cacert \"$REDIS_CA_CERT\" -u \"$REDIS_URL\" set from-run yes "
                        + "&& test \"$REDIS_SECURE_CA_CERT\" = \"$REDIS_CA_CERT\"").assertOk();
        try (Jedis jedis = tls("secure")) {
            assertEquals("yes", jedis.get("from-run"), run.toString());
        }

        String ca = Files.readString(caOf("secure"));
        long pid = home.pid("secure");
        home.run("stop", "secure").assertOk();
        assertFalse(dev.cachectl.testing.Processes.alive(pid), "stop ended the TLS server");
        home.run("start", "secure", "--tls", "--persist").assertOk();
        assertEquals(ca, Files.readString(caOf("secure")), "a persisted instance keeps the CA clients already trust");
        try (Jedis jedis = tls("secure")) {
            assertEquals("PONG", jedis.ping());
        }
    }

    @Test
    void an_untrusted_or_plain_text_url_for_a_tls_server_says_what_is_wrong() {
        home.run("start", "secure", "--tls").assertOk();
        home.run("start", "plain").assertOk();
        int port = home.port("secure");
        CliResult untrusted = home.run("migrate", "rediss://127.0.0.1:" + port, "plain").assertExit(3);
        assertTrue(untrusted.err().contains("certificate is not trusted"), untrusted.toString());
        CliResult plainText = home.run("migrate", "redis://127.0.0.1:" + port, "plain").assertExit(3);
        assertTrue(plainText.err().contains("if it serves TLS, use rediss://"), plainText.toString());
    }

    @Test
    void a_tls_url_for_a_plain_text_server_says_to_use_redis() {
        home.run("start", "plain").assertOk();
        CliResult r = home.run("status", "rediss://127.0.0.1:" + home.port("plain")).assertExit(3);
        assertTrue(r.out().contains("it answers without TLS: use redis://"), r.toString());
    }

    @Test
    void a_tls_url_for_a_plain_text_server_waits_out_its_timeout_once() {
        home.run("start", "plain", "dst").assertOk();
        String url = "rediss://127.0.0.1:" + home.port("plain");
        // the check's timeout is 5 s; closing the connection whose handshake timed out used to try it again
        for (String[] command : List.of(new String[]{"migrate", url, "dst"},
                new String[]{"warm", "-", "--to", url, "--key", "{id}"})) {
            long started = System.nanoTime();
            CliResult r = home.run(command).assertExit(3);
            long ms = (System.nanoTime() - started) / 1_000_000;
            assertTrue(r.err().contains("it answers without TLS: use redis://"), r.toString());
            assertTrue(ms < 9_500, command[0] + " took " + ms + " ms: the handshake's timeout was waited out twice");
        }
    }

    @Test
    void tls_with_cluster_is_refused() {
        CliResult result = home.run("start", "shard", "--cluster", "3", "--tls").assertExit(2);
        assertTrue(result.err().contains("--tls with --cluster is not supported"), result.toString());
        assertFalse(home.hasState("shard"));
    }

    private static boolean tryPing(Jedis jedis) {
        try {
            jedis.getClient().setSoTimeout(2000);
            return "PONG".equals(jedis.ping());
        } catch (RuntimeException e) {
            return false;
        }
    }
}
