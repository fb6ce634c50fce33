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

class PartialFailureTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void start_of_several_goes_on_past_a_failing_one_and_exits_4() throws IOException {
        Files.writeString(home.workDir().resolve("cachectl.yaml"), """
                instances:
                  broken:
                    binary: /nonexistent/redis-server
                """);
        CliResult result = home.run("start", "good", "broken", "fine").assertExit(4);
        assertEquals(2, result.out().lines().count(), result.toString());
        assertTrue(result.err().contains("broken: redis binary not found"), result.toString());
        for (String name : new String[]{"good", "fine"}) {
            try (Jedis jedis = new Jedis("127.0.0.1", home.port(name))) {
                assertEquals("PONG", jedis.ping());
            }
        }
        assertFalse(Files.exists(home.root().resolve("instances/broken")), "failed instance left a folder");
    }

    @Test
    void a_single_failing_instance_keeps_its_own_exit_code() {
        home.run("start", "x", "--policy", "nonsense").assertExit(2);
        home.run("start", "x", "y", "--policy", "nonsense").assertExit(2);
    }

    @Test
    void status_reports_an_unreadable_state_file_as_down_and_still_shows_the_others() throws IOException {
        home.run("start", "ok").assertOk();
        home.run("start", "torn").assertOk();
        long tornPid = home.pid("torn");
        Files.writeString(home.root().resolve("instances/torn/state.json"), "{\"name\": \"torn\", \"pid\": ");
        try {
            CliResult status = home.run("status", "--json").assertExit(3);
            assertTrue(status.out().contains("\"name\" : \"ok\"") && status.out().contains("unreadable"), status.toString());
        } finally {
            ProcessHandle.of(tornPid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
