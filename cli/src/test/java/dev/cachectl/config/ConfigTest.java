package dev.cachectl.config;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigTest {

    @TempDir
    Path dir;

    @Test
    void reads_managed_and_external_instances_next_to_other_sections() throws IOException {
        Files.writeString(dir.resolve("cachectl.yaml"), """
                instances:
                  sessions:
                    port: 6390
                    maxmemory: 256mb
                    policy: allkeys-lru
                    idle-timeout: 15m
                  prod:
                    url: redis://:pw@10.0.0.5:6379/1
                categories:
                  user: {prefix: "user:", instance: sessions, ttl: 1h}
                """);
        Config config = Config.load(null, Map.of(), dir);
        assertEquals("6390", config.instances().get("sessions").port());
        assertEquals("15m", config.instances().get("sessions").idleTimeout());
        assertEquals("redis://:pw@10.0.0.5:6379/1", config.instances().get("prod").url());
    }

    @Test
    void reads_categories_and_warm_jobs_with_queries_as_maps_or_json_text() throws IOException {
        Files.writeString(dir.resolve("cachectl.yaml"), """
                categories:
                  user: {prefix: "user:", instance: sessions, ttl: 1h, ttl-jitter: 10%}
                jobs:
                  users:
                    source: mongodb://db:27017/shop.users
                    query: {active: true}
                    projection: '{"name": 1}'
                    key: "{_id}"
                    category: user
                    nx: true
                    if-hit-ratio-below: 90%
                    max-errors: 10
                    rate: 5000
                """);
        Config config = Config.load(null, Map.of(), dir);
        assertEquals("user:", config.categories().get("user").prefix());
        assertEquals("10%", config.categories().get("user").ttlJitter());
        WarmJobDefinition job = config.jobs().get("users");
        assertEquals("{\"active\":true}", job.query().toString());
        assertEquals("{\"name\": 1}", job.projection().asText());
        assertEquals(Boolean.TRUE, job.nx());
        assertEquals(10L, job.maxErrors());
        assertEquals(5000L, job.rate());
        assertEquals(dir.toAbsolutePath(), config.directory().orElseThrow());
    }

    @Test
    void an_unknown_category_setting_is_an_error_that_names_it() throws IOException {
        Path f = Files.writeString(dir.resolve("x.yaml"), "categories:\n  user:\n    prefx: \"u:\"\n");
        CachectlException e = assertThrows(CachectlException.class, () -> Config.load(f, Map.of(), dir));
        assertTrue(e.getMessage().contains("'prefx'") && e.getMessage().contains("categories.user"), e.getMessage());
    }

    @Test
    void explicit_file_beats_environment_which_beats_working_dir() throws IOException {
        Path a = Files.writeString(dir.resolve("a.yaml"), "instances: {a: {}}\n");
        Path b = Files.writeString(dir.resolve("b.yaml"), "instances: {b: {}}\n");
        Files.writeString(dir.resolve("cachectl.yaml"), "instances: {c: {}}\n");
        assertTrue(Config.load(a, Map.of("CACHECTL_CONFIG", b.toString()), dir).instances().containsKey("a"));
        assertTrue(Config.load(null, Map.of("CACHECTL_CONFIG", b.toString()), dir).instances().containsKey("b"));
        assertTrue(Config.load(null, Map.of(), dir).instances().containsKey("c"));
    }

    @Test
    void no_file_means_no_instances_but_a_named_missing_file_is_an_error() {
        assertTrue(Config.load(null, Map.of(), dir).instances().isEmpty());
        CachectlException e = assertThrows(CachectlException.class, () -> Config.load(dir.resolve("nope.yaml"), Map.of(), dir));
        assertEquals(ExitCode.USAGE, e.exitCode());
    }

    @Test
    void unknown_setting_is_named_with_its_place() throws IOException {
        Path f = Files.writeString(dir.resolve("x.yaml"), "instances:\n  c:\n    max-memory: 1gb\n");
        CachectlException e = assertThrows(CachectlException.class, () -> Config.load(f, Map.of(), dir));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertTrue(e.getMessage().contains("'max-memory'") && e.getMessage().contains("instances.c"), e.getMessage());
    }

    @Test
    void malformed_yaml_is_a_one_line_usage_error() throws IOException {
        Path f = Files.writeString(dir.resolve("x.yaml"), "instances: [unclosed\n");
        CachectlException e = assertThrows(CachectlException.class, () -> Config.load(f, Map.of(), dir));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }
}
