package dev.cachectl.status;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import dev.cachectl.util.FileLocks;
import dev.cachectl.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatusTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void status_exits_3_when_any_named_instance_is_down() throws Exception {
        home.run("start", "up1").assertOk();

        home.run("status", "up1").assertOk();
        CliResult mixed = home.run("status", "up1", "never").assertExit(3);
        Map<String, String> states = new HashMap<>();
        mixed.out().lines().skip(1).filter(l -> !l.startsWith(" "))
                .forEach(l -> states.put(l.split("\\s+")[0], l.split("\\s+")[1]));
        assertEquals(Map.of("up1", "up", "never", "down"), states, mixed.toString());

        JsonNode json = Json.MAPPER.readTree(home.run("status", "up1", "never", "--json").assertExit(3).out());
        assertTrue(json.get("instances").get(0).get("up").asBoolean(), json.toString());
        assertEquals("never", json.get("instances").get(1).get("name").asText(), json.toString());
        assertFalse(json.get("instances").get(1).get("up").asBoolean(true), json.toString());
        assertFalse(home.hasState("never"), "status started or recorded an instance");
    }

    @Test
    void status_without_names_covers_every_running_instance() throws Exception {
        home.run("start", "a", "b").assertOk();
        JsonNode json = Json.MAPPER.readTree(home.run("status", "--json").assertOk().out());
        assertEquals(2, json.get("instances").size(), json.toString());
        assertEquals("a", json.get("instances").get(0).get("name").asText());
        assertEquals("b", json.get("instances").get(1).get("name").asText());
    }

    @Test
    void status_without_names_lists_a_folder_a_server_runs_from_without_a_state_file() throws Exception {
        home.run("start", "a", "orphan").assertOk();
        long pid = home.pid("orphan");
        int port = home.port("orphan");
        // what a start killed after its launch and before its state file leaves: a server running from the folder
        Files.delete(home.instanceDir("orphan").resolve("state.json"));

        CliResult status = home.run("status").assertExit(3);
        assertTrue(status.out().contains("a server still runs from its folder on port " + port + " (pid " + pid + ")"),
                status.toString());
        JsonNode json = Json.MAPPER.readTree(home.run("status", "--json").assertExit(3).out());
        assertEquals(2, json.get("instances").size(), json.toString());
        assertEquals("orphan", json.get("instances").get(1).get("name").asText(), json.toString());
        assertFalse(json.get("instances").get(1).get("up").asBoolean(true), json.toString());

        // the same folder while a start or stop holds the instance (here a lock this JVM takes): no kill to speak of
        try (FileLocks.Held changing = FileLocks.acquireTransient(home.root().resolve("locks/orphan.lock"), Duration.ZERO)
                .orElseThrow()) {
            CliResult during = home.run("status", "orphan").assertExit(3);
            assertTrue(during.out().contains("a start or stop of 'orphan' is under way"), during.toString());
            assertFalse(during.out().contains("was killed"), during.toString());
        }
        home.run("stop", "--all").assertOk();
    }

    @Test
    void interval_reports_the_hit_ratio_of_traffic_during_the_interval() throws Exception {
        home.run("start", "cache").assertOk();
        int port = home.port("cache");
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            jedis.set("present", "v");
            // history before the interval is all hits: a cumulative ratio would be near 1, not near 0.5
            for (int i = 0; i < 1000; i++) {
                jedis.get("present");
            }
        }
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread traffic = new Thread(() -> {
            try (Jedis jedis = new Jedis("127.0.0.1", port)) {
                while (!done.get()) {
                    jedis.get("present");
                    jedis.get("absent");
                    Thread.sleep(5); // paces the traffic under test, not a wait for anything
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "hits-and-misses");
        traffic.start();
        JsonNode cache;
        try {
            cache = Json.MAPPER.readTree(home.run("status", "cache", "--json", "--interval", "1s").assertOk().out())
                    .get("instances").get(0);
        } finally {
            done.set(true);
            traffic.join();
        }
        assertNull(failure.get(), () -> "traffic thread failed: " + failure.get());
        assertTrue(cache.get("hit_ratio_interval").isNumber(), cache.toString());
        double interval = cache.get("hit_ratio_interval").asDouble();
        assertTrue(interval > 0.4 && interval < 0.6, "hit_ratio_interval " + interval + " in " + cache);
        assertTrue(cache.get("hit_ratio").asDouble() > 0.6, "cumulative hit_ratio should include the earlier hits: " + cache);
        assertTrue(cache.get("ops_per_sec").asDouble() > 0, cache.toString());
    }

    @Test
    void without_interval_there_is_no_interval_hit_ratio() throws Exception {
        home.run("start", "cache").assertOk();
        JsonNode cache = Json.MAPPER.readTree(home.run("status", "cache", "--json").assertOk().out()).get("instances").get(0);
        assertTrue(cache.get("hit_ratio_interval").isNull(), cache.toString());
    }
}
