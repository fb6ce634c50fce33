package dev.cachectl.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A server that died behind cachectl's back is reported down and cleaned up; a pid that is no longer it is never signalled. */
class CrashRecoveryTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void status_and_stop_after_kill_9_report_down_and_clean_up() throws Exception {
        home.run("start", "cache").assertOk();
        long pid = home.pid("cache");
        Processes.killAndWait(pid);

        CliResult text = home.run("status", "cache").assertExit(3);
        assertTrue(text.out().lines().anyMatch(l -> l.startsWith("cache") && l.contains(" down ")), text.toString());
        JsonNode json = Json.MAPPER.readTree(home.run("status", "cache", "--json").assertExit(3).out());
        assertFalse(json.get("instances").get(0).get("up").asBoolean(true), json.toString());
        assertTrue(home.hasState("cache"), "status must not remove state");

        CliResult stop = home.run("stop", "cache").assertOk();
        assertTrue(stop.out().contains("cache was already down"), stop.toString());
        assertFalse(home.hasState("cache"), "state left behind");
        assertFalse(Files.exists(home.instanceDir("cache")), "instance dir left behind");
    }

    @Test
    void start_after_kill_9_replaces_the_dead_server() {
        home.run("start", "cache").assertOk();
        long dead = home.pid("cache");
        Processes.killAndWait(dead);

        CliResult again = home.run("start", "cache").assertOk();
        assertTrue(again.err().contains("pid " + dead + ") is gone"), again.toString());
        assertNotEquals(dead, home.pid("cache"));
        try (Jedis jedis = new Jedis("127.0.0.1", home.port("cache"))) {
            assertEquals("PONG", jedis.ping());
        }
    }

    @Test
    void stop_refuses_to_signal_a_reused_pid() throws Exception {
        home.run("start", "cache").assertOk();
        // the server dies without cachectl noticing; its pid then goes to an unrelated process
        Processes.killAndWait(home.pid("cache"));
        Process stranger = new ProcessBuilder("sleep", "60").start();
        try {
            editState("cache", s -> s.put("pid", stranger.pid()));

            CliResult stop = home.run("stop", "cache").assertOk();
            assertTrue(stranger.isAlive(), "stop killed a process that is not the recorded server");
            assertTrue(stop.err().contains("pid " + stranger.pid()) && stop.err().contains("not signalled"), stop.toString());
            assertFalse(stop.out().contains("stopped cache"), stop.toString());
            assertFalse(home.hasState("cache"), "state left behind");
        } finally {
            stranger.destroyForcibly();
            stranger.waitFor();
        }
    }

    /*
     * A server started by an earlier cachectl run is not our child: when it dies, whoever adopted it
     * (PID 1) must reap it. Containers whose PID 1 does not reap, or reaps late, leave it a zombie:
     * dead, port closed, but its pid still "alive" to a naive check. These tests make such a zombie
     * (a child of a parent that never waits) and record it as the instance's server.
     */

    @Test
    void stop_treats_a_dead_unreaped_server_as_down() throws Exception {
        try (Zombie zombie = Zombie.make()) {
            home.run("start", "cache").assertOk();
            Processes.killAndWait(home.pid("cache"));
            recordAsServer("cache", zombie);

            CliResult stop = home.run("stop", "cache", "--timeout", "2s").assertOk();
            assertTrue(stop.out().contains("cache was already down"), stop.toString());
            assertFalse(home.hasState("cache"), "state left behind");
        }
    }

    @Test
    void start_replaces_a_dead_unreaped_server_instead_of_calling_it_running() throws Exception {
        try (Zombie zombie = Zombie.make()) {
            home.run("start", "cache").assertOk();
            Processes.killAndWait(home.pid("cache"));
            recordAsServer("cache", zombie);

            CliResult again = home.run("start", "cache").assertOk();
            assertFalse(again.err().contains("already running"), again.toString());
            assertNotEquals(zombie.pid(), home.pid("cache"));
            try (Jedis jedis = new Jedis("127.0.0.1", home.port("cache"))) {
                assertEquals("PONG", jedis.ping());
            }
        }
    }

    private void recordAsServer(String name, Zombie zombie) throws IOException {
        long start = ProcessHandle.of(zombie.pid()).orElseThrow().info().startInstant().orElseThrow().toEpochMilli();
        editState(name, s -> {
            s.put("pid", zombie.pid());
            s.put("process_start_millis", start);
        });
    }

    private void editState(String name, Consumer<ObjectNode> edit) throws IOException {
        Path file = home.instanceDir(name).resolve("state.json");
        ObjectNode state = (ObjectNode) Json.MAPPER.readTree(file.toFile());
        edit.accept(state);
        Files.writeString(file, Json.MAPPER.writeValueAsString(state));
    }

    /** A process that has exited and stays unreaped: the child of a parent that never waits for it. */
    private record Zombie(Process parent, long pid) implements AutoCloseable {
        static Zombie make() throws IOException {
            // sh forks "sleep 0.2", then execs into "sleep 60", which never reaps the child it inherited
            Process parent = new ProcessBuilder("sh", "-c", "sleep 0.2 & exec sleep 60").start();
            try {
                long[] child = {-1};
                boolean dead = Processes.eventually(Duration.ofSeconds(5), () -> {
                    child[0] = parent.toHandle().children().mapToLong(ProcessHandle::pid).findFirst().orElse(-1);
                    return child[0] > 0 && state(child[0]) == 'Z';
                });
                assertTrue(dead, "no zombie child appeared");
                return new Zombie(parent, child[0]);
            } catch (RuntimeException | Error e) {
                parent.destroyForcibly();
                throw e;
            }
        }

        private static char state(long pid) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                return stat.charAt(stat.lastIndexOf(')') + 2);
            } catch (IOException e) {
                return '?';
            }
        }

        @Override
        public void close() throws InterruptedException {
            // the zombie goes to PID 1 with its parent's death, which reaps it
            parent.destroyForcibly();
            parent.waitFor();
        }
    }
}
