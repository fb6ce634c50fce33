package dev.cachectl.lifecycle;

import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A start of an instance that already runs hands out the instance asked for, or refuses: never another one. */
class StartRunningTest {
    private static final String SECRET = "s3cret-not-printed";

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void a_start_asking_for_other_settings_than_what_runs_is_refused_and_the_same_request_is_not() {
        String url = home.run("start", "m1", "--maxmemory", "64mb", "--policy", "allkeys-lru").assertOk().out();
        long pid = home.pid("m1");
        int port = home.port("m1");
        Map<List<String>, String> refused = new java.util.LinkedHashMap<>();
        refused.put(List.of("--policy", "allkeys-lfu"), "with policy allkeys-lru (asked: allkeys-lfu): stop it first "
                + "('cachectl stop m1'), or start it without --policy");
        refused.put(List.of("--maxmemory", "128mb"), "with maxmemory 64.0 MiB (asked: 128.0 MiB)");
        refused.put(List.of("--password", SECRET), "with no password (asked: a password)");
        refused.put(List.of("--port", Integer.toString(port + 1)), "with port " + port + " (asked: " + (port + 1) + ")");
        refused.put(List.of("--persist"), "with no persistence (asked: persist)");
        refused.put(List.of("--cluster", "3"), "with no cluster (asked: cluster 3)");
        refused.put(List.of("--engine", "mongo", "--json"), "with engine redis (asked: mongo)");
        refused.put(List.of("--policy", "allkeys-lru", "--maxmemory", "32mb"), "or start it without --maxmemory");
        for (Map.Entry<List<String>, String> e : refused.entrySet()) {
            List<String> args = new java.util.ArrayList<>(List.of("start", "m1"));
            args.addAll(e.getKey());
            CliResult result = home.run(args.toArray(String[]::new)).assertExit(2);
            assertTrue(result.err().contains("'m1' is already running " + e.getValue())
                    || result.err().contains(e.getValue()), e.getKey() + "\n" + result);
            assertFalse(result.toString().contains(SECRET), result.toString());
            assertFalse(result.out().contains("redis://"), "a refused start printed a URL\n" + result);
        }
        assertEquals(pid, home.pid("m1"));
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            assertEquals("allkeys-lru", jedis.configGet("maxmemory-policy").get("maxmemory-policy"));
            assertEquals(Long.toString(64L << 20), jedis.configGet("maxmemory").get("maxmemory"));
        }
        // the same request as what runs, in whole or in part, is the running instance
        for (List<String> same : List.of(List.<String>of(), List.of("--policy", "allkeys-lru", "--maxmemory", "64mb", "--engine", "redis",
                "--port", Integer.toString(port)), List.of("--port", "auto"))) {
            List<String> args = new java.util.ArrayList<>(List.of("start", "m1"));
            args.addAll(same);
            CliResult again = home.run(args.toArray(String[]::new)).assertOk();
            assertEquals(url, again.out(), same.toString());
            assertTrue(again.err().contains("'m1' is already running (pid " + pid + ")"), same + "\n" + again);
        }
    }

    @Test
    void a_password_is_compared_without_being_printed_and_the_idle_timeout_applies_to_the_running_instance() {
        home.run("start", "p1", "--password", SECRET).assertOk();
        CliResult other = home.run("start", "p1", "--password", SECRET + "-other").assertExit(2);
        assertTrue(other.err().contains("'p1' is already running with another password (asked: a different one)"), other.toString());
        assertFalse(other.toString().contains(SECRET), other.toString());
        home.run("start", "p1", "--password", SECRET).assertOk();

        assertTrue(home.state("p1").get("idle_timeout_millis").isNull(), home.state("p1").toString());
        CliResult idle = home.run("start", "p1", "--idle-timeout", "15m").assertOk();
        assertTrue(idle.err().contains("idle timeout none -> 15m, applied to the running instance"), idle.toString());
        assertEquals(15 * 60_000L, home.state("p1").get("idle_timeout_millis").asLong());
        home.run("start", "p1", "--idle-timeout", "0s").assertOk();
        assertTrue(home.state("p1").get("idle_timeout_millis").isNull(), home.state("p1").toString());
    }

    @Test
    void what_cachectl_yaml_asks_for_counts_and_is_named_as_its_origin() throws IOException {
        Files.writeString(home.workDir().resolve("cachectl.yaml"), """
                instances:
                  sessions:
                    policy: allkeys-lfu
                """);
        home.run("start", "sessions", "--policy", "noeviction").assertOk();
        CliResult refused = home.run("start", "sessions").assertExit(2);
        assertTrue(refused.err().contains("'sessions' is already running with policy noeviction (asked by "), refused.toString());
        assertTrue(refused.err().contains("cachectl.yaml: allkeys-lfu): stop it first ('cachectl stop sessions') to start "
                + "it as asked"), refused.toString());
        home.run("start", "sessions", "--policy", "noeviction").assertOk();
    }

    @Test
    void a_running_mongo_is_not_handed_out_for_a_redis() {
        home.run("start", "m3", "--engine", "mongo").assertOk();
        CliResult refused = home.run("start", "m3", "--engine", "redis", "--policy", "allkeys-lru").assertExit(2);
        assertTrue(refused.err().contains("'m3' is already running with engine mongo (asked: redis): stop it first "
                + "('cachectl stop m3'), or start it without --engine"), refused.toString());
        assertFalse(refused.out().contains("mongodb://"), refused.toString());
        assertTrue(home.run("start", "m3", "--engine", "mongo").assertOk().out().startsWith("mongodb://"));
    }
}
