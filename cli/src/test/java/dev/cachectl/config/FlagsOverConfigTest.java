package dev.cachectl.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.Processes;
import dev.cachectl.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** "A flag overrides cachectl.yaml; the config applies where no flag is typed", for start and for warm (one rule, {@link Overrides}). */
class FlagsOverConfigTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void start_takes_each_setting_from_its_flag_when_typed_and_from_the_config_otherwise() throws IOException {
        int configured = Processes.freePort();
        int typed = Processes.freePort();
        while (typed == configured) {
            typed = Processes.freePort();
        }
        Files.writeString(home.workDir().resolve("cachectl.yaml"), """
                instances:
                  cache:
                    port: %d
                    maxmemory: 64mb
                    policy: allkeys-lru
                """.formatted(configured));

        home.run("start", "cache", "--port", Integer.toString(typed)).assertOk();
        assertEquals(typed, home.port("cache"), "--port overrides the config's port");
        assertEquals(Map.of("maxmemory", "67108864"), config("cache", "maxmemory"), "no --maxmemory: the config's");
        home.run("stop", "cache").assertOk();

        home.run("start", "cache", "--maxmemory", "32mb", "--policy", "allkeys-lfu").assertOk();
        assertEquals(configured, home.port("cache"), "no --port: the config's");
        assertEquals(Map.of("maxmemory", "33554432"), config("cache", "maxmemory"), "--maxmemory overrides the config's");
        assertEquals(Map.of("maxmemory-policy", "allkeys-lfu"), config("cache", "maxmemory-policy"));
        home.run("stop", "cache").assertOk();

        home.run("start", "cache", "--port", "auto").assertOk();
        assertFalse(home.port("cache") == configured, "--port auto overrides a configured port");
    }

    @Test
    void an_idle_timeout_of_0s_on_the_command_line_turns_off_the_configured_one() throws IOException {
        Files.writeString(home.workDir().resolve("cachectl.yaml"), """
                instances:
                  cache:
                    idle-timeout: 15m
                """);
        home.run("start", "cache").assertOk();
        assertEquals(900, idleTimeout("cache").asLong(), "no --idle-timeout: the config's");
        home.run("stop", "cache").assertOk();

        home.run("start", "cache", "--idle-timeout", "0s").assertOk();
        assertTrue(idleTimeout("cache").isNull(), "--idle-timeout 0s: none");
    }

    private JsonNode idleTimeout(String name) throws IOException {
        return Json.MAPPER.readTree(home.run("--json", "status", name).assertOk().out()).at("/instances/0/idle_timeout_seconds");
    }

    @Test
    void warm_takes_each_setting_from_its_flag_when_typed_and_from_the_job_otherwise() throws IOException {
        Files.writeString(home.workDir().resolve("users.jsonl"), "{\"id\":1,\"name\":\"Ann\"}\n");
        Files.writeString(home.workDir().resolve("cachectl.yaml"), """
                jobs:
                  users:
                    source: users.jsonl
                    to: t
                    key: "user:{id}"
                    value: name
                """);
        home.run("start", "t").assertOk();

        home.run("warm", "--job", "users", "--key", "u:{id}").assertOk();
        try (Jedis redis = new Jedis("127.0.0.1", home.port("t"))) {
            assertEquals("Ann", redis.get("u:1"), "--key overrides the job's key");
            assertNull(redis.get("user:1"));
        }
        home.run("warm", "--job", "users").assertOk();
        try (Jedis redis = new Jedis("127.0.0.1", home.port("t"))) {
            assertEquals("Ann", redis.get("user:1"), "no --key: the job's");
        }
    }

    @Test
    void a_typed_component_of_a_record_wins_and_an_absent_one_keeps_the_configured() {
        WarmJobDefinition typed = new WarmJobDefinition(null, "b", null, "k:{id}", null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null);
        WarmJobDefinition job = new WarmJobDefinition("f.jsonl", "a", "jsonl", "user:{id}", null, null, "1h", null, null, null,
                null, null, true, null, null, null, null, null, 100, null, null, "@daily", "1h");
        WarmJobDefinition merged = Overrides.over(typed, job);
        assertEquals(new WarmJobDefinition("f.jsonl", "b", "jsonl", "k:{id}", null, null, "1h", null, null, null,
                null, null, true, null, null, null, null, null, 100, null, null, "@daily", "1h"), merged);
        assertEquals(typed, Overrides.over(typed, null), "no job: what was typed");
        assertEquals(Map.of("port", 2, "tls", true), Overrides.over(java.util.Collections.singletonMap("port", 2),
                Map.of("port", 1, "tls", true)));
    }

    private Map<String, String> config(String instance, String name) {
        try (Jedis redis = new Jedis("127.0.0.1", home.port(instance))) {
            return redis.configGet(name);
        }
    }
}
