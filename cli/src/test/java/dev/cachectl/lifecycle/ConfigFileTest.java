package dev.cachectl.lifecycle;

import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Instances defined in cachectl.yaml start with their settings; a bad or missing file is a usage error. */
class ConfigFileTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void instance_defined_in_cachectl_yaml_starts_with_its_settings() throws IOException {
        Files.writeString(home.workDir().resolve("cachectl.yaml"), """
                instances:
                  sessions:
                    port: auto
                    maxmemory: 32mb
                    policy: allkeys-lfu
                """);
        String url = home.run("start", "sessions").assertOk().out().trim();
        int port = home.port("sessions");
        assertEquals("redis://127.0.0.1:" + port, url);
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            assertEquals(Long.toString(32L * 1024 * 1024), jedis.configGet("maxmemory").get("maxmemory"));
            assertEquals("allkeys-lfu", jedis.configGet("maxmemory-policy").get("maxmemory-policy"));
        }
    }

    @Test
    void a_value_the_engine_refuses_is_named_as_the_config_files_unless_the_command_line_gave_it() throws IOException {
        java.nio.file.Path config = Files.writeString(home.workDir().resolve("cachectl.yaml"), """
                instances:
                  bad: { maxmemory: 10mb, policy: bogus }
                  good: { maxmemory: 10mb, policy: allkeys-lru }
                  doc: { engine: mongo, policy: allkeys-lru }
                """);
        CliResult bad = home.run("start", "bad").assertExit(2);
        assertEquals("cachectl: " + config + ": instance 'bad': invalid maxmemory policy 'bogus' (valid: allkeys-lfu, "
                + "allkeys-lru, allkeys-random, noeviction, volatile-lfu, volatile-lru, volatile-random, volatile-ttl)",
                bad.err().strip(), bad.toString());
        CliResult doc = home.run("start", "doc").assertExit(2);
        assertTrue(doc.err().startsWith("cachectl: " + config + ": instance 'doc': --policy does not apply to a mongo instance"),
                doc.toString());
        // what the command line gives is its own: no file named
        CliResult typed = home.run("start", "good", "--policy", "bogus").assertExit(2);
        assertTrue(typed.err().startsWith("cachectl: invalid maxmemory policy 'bogus'"), typed.toString());
        assertFalse(home.hasState("bad") || home.hasState("doc") || home.hasState("good"));
    }

    @Test
    void unknown_key_in_cachectl_yaml_is_a_usage_error_naming_the_key() throws IOException {
        Files.writeString(home.workDir().resolve("cachectl.yaml"), """
                instances:
                  sessions:
                    maxmemory: 32mb
                    evicton-policy: allkeys-lfu
                """);
        CliResult result = home.run("start", "sessions").assertExit(2);
        assertTrue(result.err().contains("'evicton-policy'"), result.toString());
        assertFalse(home.hasState("sessions"), "started despite the bad config");
    }

    @Test
    void missing_config_file_named_by_option_is_a_usage_error() {
        CliResult result = home.run("--config", "missing.yaml", "start", "sessions").assertExit(2);
        assertTrue(result.err().contains("missing.yaml"), result.toString());
        assertFalse(home.hasState("sessions"));
    }

    @Test
    void config_file_named_by_option_is_read_relative_to_the_working_directory() throws IOException {
        Files.writeString(home.workDir().resolve("other.yaml"), """
                instances:
                  sessions:
                    policy: allkeys-lfu
                """);
        home.run("--config", "other.yaml", "start", "sessions").assertOk();
        try (Jedis jedis = new Jedis("127.0.0.1", home.port("sessions"))) {
            assertEquals("allkeys-lfu", jedis.configGet("maxmemory-policy").get("maxmemory-policy"));
        }
    }

    @Test
    void config_file_named_by_environment_is_read_relative_to_the_working_directory() throws IOException {
        Files.writeString(home.workDir().resolve("ci.yaml"), """
                instances:
                  sessions:
                    policy: volatile-ttl
                """);
        home.env().put("CACHECTL_CONFIG", "ci.yaml");
        home.run("start", "sessions").assertOk();
        try (Jedis jedis = new Jedis("127.0.0.1", home.port("sessions"))) {
            assertEquals("volatile-ttl", jedis.configGet("maxmemory-policy").get("maxmemory-policy"));
        }
    }
}
