package dev.cachectl.lifecycle;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import dev.cachectl.testing.Processes;
import dev.cachectl.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A state file that drifts or is damaged never orphans the server: stop identifies it by its start tick
 * and its own answer on the recorded port, and without a readable state by the instance's folder.
 */
class StateRobustnessTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void stop_stops_a_server_whose_recorded_start_time_is_off() throws IOException {
        home.run("start", "cache").assertOk();
        long pid = home.pid("cache");
        editState("cache", s -> s.put("process_start_millis", s.get("process_start_millis").asLong() + 5000));

        CliResult stop = home.run("stop", "cache", "--timeout", "5s").assertOk();
        assertTrue(stop.out().contains("stopped cache"), stop.toString());
        assertTrue(Processes.eventually(Duration.ofSeconds(5), () -> !Processes.alive(pid)), "the server still runs");
    }

    @Test
    void an_old_state_file_without_start_ticks_still_works_even_with_a_shifted_clock() throws IOException {
        home.run("start", "cache").assertOk();
        long pid = home.pid("cache");
        editState("cache", s -> {
            s.remove("process_start_ticks");
            s.put("process_start_millis", s.get("process_start_millis").asLong() - 3000);
        });

        home.run("status", "cache").assertOk();
        home.run("start", "cache").assertOk();
        assertEquals(pid, home.pid("cache"), "start replaced a server that still runs");
        CliResult stop = home.run("stop", "cache", "--timeout", "5s").assertOk();
        assertTrue(stop.out().contains("stopped cache"), stop.toString());
        assertTrue(Processes.eventually(Duration.ofSeconds(5), () -> !Processes.alive(pid)), "the server still runs");
    }

    @Test
    void a_damaged_state_file_does_not_orphan_the_server() throws IOException {
        home.run("start", "cache", "--persist").assertOk();
        long pid = home.pid("cache");
        int port = home.port("cache");
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            jedis.set("k", "v");
        }
        Files.writeString(home.instanceDir("cache").resolve("state.json"), "garbage{");

        CliResult status = home.run("status", "cache").assertExit(3);
        assertTrue(status.out().contains("a server still runs on port " + port)
                || status.err().contains("a server still runs on port " + port), status.toString());
        CliResult start = home.run("start", "cache").assertExit(1);
        assertTrue(start.err().contains("'cachectl stop cache'") && start.err().contains("port " + port), start.toString());
        assertTrue(Processes.alive(pid), "start killed the server");

        CliResult stop = home.run("stop", "cache", "--timeout", "5s").assertOk();
        assertTrue(stop.err().contains("damaged"), stop.toString());
        assertTrue(Processes.eventually(Duration.ofSeconds(5), () -> !Processes.alive(pid)), "stop left the server running");
        assertFalse(home.hasState("cache"), "the damaged state file was left");

        // the data was saved by the server's own shutdown and kept
        home.run("start", "cache").assertOk();
        try (Jedis jedis = new Jedis("127.0.0.1", home.port("cache"))) {
            assertEquals("v", jedis.get("k"));
        }
    }

    @Test
    void stop_finds_every_node_of_a_cluster_whose_state_file_is_damaged() throws IOException {
        home.run("start", "shard", "--cluster", "1x1").assertOk();
        List<Long> pids = new ArrayList<>();
        home.state("shard").path("nodes").forEach(n -> pids.add(n.path("pid").asLong()));
        Files.writeString(home.instanceDir("shard").resolve("state.json"), "");

        CliResult stop = home.run("stop", "shard", "--timeout", "5s").assertOk();
        for (long pid : pids) {
            assertTrue(Processes.eventually(Duration.ofSeconds(5), () -> !Processes.alive(pid)), "node " + pid + " left running: " + stop);
        }
        assertFalse(Files.exists(home.instanceDir("shard")), "the folder of an instance without kept data was left");
    }

    @Test
    void start_over_a_damaged_state_file_with_no_server_running_removes_it_and_starts() throws IOException {
        home.run("start", "cache").assertOk();
        Processes.killAndWait(home.pid("cache"));
        Files.writeString(home.instanceDir("cache").resolve("state.json"), "{}");

        CliResult start = home.run("start", "cache").assertOk();
        assertTrue(start.err().contains("damaged"), start.toString());
        try (Jedis jedis = new Jedis("127.0.0.1", home.port("cache"))) {
            assertEquals("PONG", jedis.ping());
        }
    }

    private void editState(String name, Consumer<ObjectNode> edit) throws IOException {
        Path file = home.instanceDir(name).resolve("state.json");
        ObjectNode state = (ObjectNode) Json.MAPPER.readTree(file.toFile());
        edit.accept(state);
        Files.writeString(file, Json.MAPPER.writeValueAsString(state));
    }
}
