package dev.cachectl.lifecycle;

import dev.cachectl.testing.CachectlHome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import java.nio.file.Files;

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
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "server still alive");
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
}
