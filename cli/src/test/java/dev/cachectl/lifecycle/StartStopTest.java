package dev.cachectl.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.Processes;
import dev.cachectl.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import java.nio.file.Files;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StartStopTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void start_prints_a_url_that_answers_and_stop_removes_process_and_state() {
        String url = home.run("start", "cache").assertOk().out().trim();
        int port = home.port("cache");
        assertEquals("redis://127.0.0.1:" + port, url);
        long pid = home.pid("cache");
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            jedis.set("k", "v");
            assertEquals("v", jedis.get("k"));
        }
        assertTrue(home.run("stop", "cache").assertOk().out().contains("stopped cache (pid " + pid + ")"));
        assertFalse(dev.cachectl.testing.Processes.alive(pid), "server still alive");
        assertFalse(Files.exists(home.root().resolve("instances/cache")), "instance dir left behind");
    }

    @Test
    void second_start_says_already_running_and_exits_zero() {
        String first = home.run("start", "cache").assertOk().out();
        long pid = home.pid("cache");
        var again = home.run("start", "cache").assertOk();
        assertEquals(first, again.out());
        assertTrue(again.err().contains("already running (pid " + pid + ")"), again.toString());
        assertEquals(pid, home.pid("cache"));
    }

    @Test
    void start_with_several_names_starts_each_on_its_own_port_and_prints_one_url_per_line() {
        var result = home.run("start", "alpha", "beta", "gamma").assertOk();
        List<String> urls = result.out().lines().toList();
        List<String> names = List.of("alpha", "beta", "gamma");
        assertEquals(3, urls.size(), result.toString());
        for (int i = 0; i < names.size(); i++) {
            int port = home.port(names.get(i));
            assertEquals("redis://127.0.0.1:" + port, urls.get(i));
            assertTrue(Processes.alive(home.pid(names.get(i))), names.get(i) + " not running");
            try (Jedis jedis = new Jedis("127.0.0.1", port)) {
                assertEquals("PONG", jedis.ping());
            }
        }
        assertEquals(3, Set.of(home.port("alpha"), home.port("beta"), home.port("gamma")).size(), "ports shared");
        assertEquals(3, Set.of(home.pid("alpha"), home.pid("beta"), home.pid("gamma")).size(), "pids shared");
    }

    @Test
    void start_with_explicit_port_listens_on_that_port() {
        int port = Processes.freePort();
        String url = home.run("start", "fixed", "--port", Integer.toString(port)).assertOk().out().trim();
        assertEquals("redis://127.0.0.1:" + port, url);
        assertEquals(port, home.port("fixed"));
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            assertEquals("PONG", jedis.ping());
        }
    }

    @Test
    void explicit_port_for_several_names_is_a_usage_error_and_starts_nothing() {
        var result = home.run("start", "one", "two", "--port", Integer.toString(Processes.freePort())).assertExit(2);
        assertTrue(result.err().contains("--port"), result.toString());
        assertFalse(home.hasState("one") || home.hasState("two"), "state written");
    }

    @Test
    void maxmemory_and_policy_reach_the_server_and_status_json() throws Exception {
        home.run("start", "lru", "--maxmemory", "64mb", "--policy", "allkeys-lru").assertOk();
        try (Jedis jedis = new Jedis("127.0.0.1", home.port("lru"))) {
            assertEquals(Long.toString(64L * 1024 * 1024), jedis.configGet("maxmemory").get("maxmemory"));
            assertEquals("allkeys-lru", jedis.configGet("maxmemory-policy").get("maxmemory-policy"));
        }
        JsonNode status = Json.MAPPER.readTree(home.run("status", "lru", "--json").assertOk().out());
        JsonNode lru = status.get("instances").get(0);
        assertEquals(64L * 1024 * 1024, lru.get("maxmemory").asLong(), lru.toString());
        assertEquals("allkeys-lru", lru.get("maxmemory_policy").asText(), lru.toString());
    }
}
