package dev.cachectl.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.testing.Await;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.Processes;
import dev.cachectl.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The idle supervisor stops instances nobody uses, keeps used ones, and exits when nothing is left to watch. */
class IdleTimeoutTest {
    private static final Duration LIMIT = Duration.ofSeconds(15);

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void idle_instance_is_stopped_while_a_busy_one_keeps_running() throws Exception {
        home.run("start", "idle", "--idle-timeout", "2s").assertOk();
        home.run("start", "busy", "--idle-timeout", "2s").assertOk();
        long idlePid = home.pid("idle");
        long busyPid = home.pid("busy");
        int busyPort = home.port("busy");

        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> clientFailure = new AtomicReference<>();
        Thread client = new Thread(() -> {
            try (Jedis jedis = new Jedis("127.0.0.1", busyPort)) {
                for (int i = 0; !done.get(); i++) {
                    jedis.set("tick", Integer.toString(i));
                    Thread.sleep(300); // paces the traffic: a client command every 300 ms, well inside the timeout
                }
            } catch (Throwable t) {
                clientFailure.set(t);
            }
        }, "busy-client");
        client.start();
        try {
            assertTrue(Processes.eventually(LIMIT, () -> !home.hasState("idle") && !Processes.alive(idlePid)),
                    "idle instance still running after " + LIMIT.toSeconds() + "s:\n" + supervisorLog());
            // one more full timeout, so a supervisor that ignored the traffic would have stopped busy too
            Await.holdsFor(Duration.ofMillis(2500), () -> "busy instance was stopped:\n" + supervisorLog(),
                    () -> home.hasState("busy") && Processes.alive(busyPid));
            assertNull(clientFailure.get(), () -> "busy client failed: " + clientFailure.get());
        } finally {
            done.set(true);
            client.join();
        }
        assertFalse(Files.exists(home.instanceDir("idle")), "idle instance dir left behind");
        assertTrue(supervisorLog().contains("stopping 'idle'"), supervisorLog());
        assertFalse(supervisorLog().contains("stopping 'busy'"), supervisorLog());

        home.run("stop", "busy").assertOk();
        assertSupervisorExits();
    }

    @Test
    void status_probes_do_not_count_as_activity() throws Exception {
        home.run("start", "probed", "--idle-timeout", "2s").assertOk();
        long pid = home.pid("probed");
        long maxIdleSeen = -1;
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (home.hasState("probed") && System.nanoTime() < deadline) {
            var result = home.run("status", "probed", "--json");
            if (result.exitCode() == 0) {
                JsonNode probed = Json.MAPPER.readTree(result.out()).get("instances").get(0);
                assertEquals(2, probed.get("idle_timeout_seconds").asLong(), probed.toString());
                assertTrue(probed.get("idle_seconds").isIntegralNumber(), probed.toString());
                maxIdleSeen = Math.max(maxIdleSeen, probed.get("idle_seconds").asLong());
            }
            Thread.sleep(500); // paces the probes, the traffic under test; the loop's condition is the wait
        }
        assertFalse(home.hasState("probed"), "instance probed by status every 500ms was never stopped:\n" + supervisorLog());
        assertTrue(Processes.eventually(Duration.ofSeconds(5), () -> !Processes.alive(pid)), "server still alive");
        assertTrue(maxIdleSeen >= 1, "status never reported the instance idle (max idle_seconds " + maxIdleSeen + ")");
        assertTrue(supervisorLog().contains("stopping 'probed'"), supervisorLog());
        assertSupervisorExits();
    }

    @Test
    void blocked_and_subscribed_clients_keep_an_instance_busy_until_they_leave() throws Exception {
        home.run("start", "waited", "--idle-timeout", "2s").assertOk();
        long pid = home.pid("waited");
        int port = home.port("waited");
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            jedis.set("important", "value");
        }
        try (Socket subscriber = new Socket("127.0.0.1", port)) {
            try (Socket blocked = new Socket("127.0.0.1", port)) {
                send(blocked, "BLPOP", "jobs", "0");
                awaitClientList(port, "cmd=blpop");
                // more than two timeouts with no command at all, only a client waiting in BLPOP
                Await.holdsFor(Duration.ofMillis(5000), () -> "instance stopped under a client blocked in BLPOP:\n"
                        + supervisorLog(), () -> home.hasState("waited") && Processes.alive(pid));
                JsonNode status = Json.MAPPER.readTree(home.run("status", "waited", "--json").out()).get("instances").get(0);
                assertTrue(status.get("idle_seconds").asLong() <= 1, "a blocked client is not idle time: " + status);

                send(subscriber, "SUBSCRIBE", "news");
                awaitClientList(port, "sub=1");
            }
            // the blocked client has left without a command; the subscriber alone keeps it busy
            Await.holdsFor(Duration.ofMillis(5000), () -> "instance stopped under a subscribed client:\n" + supervisorLog(),
                    () -> home.hasState("waited") && Processes.alive(pid));
        }
        Await.until(LIMIT, () -> "instance not stopped once its clients left:\n" + supervisorLog(),
                () -> !home.hasState("waited") && !Processes.alive(pid));
        assertTrue(supervisorLog().contains("stopping 'waited'"), supervisorLog());
        assertSupervisorExits();
    }

    @Test
    void a_supervisor_killed_with_sigkill_is_replaced_by_the_next_start() throws Exception {
        home.run("start", "timed", "--idle-timeout", "3s").assertOk();
        home.run("start", "untimed").assertOk();
        long pid = home.pid("timed");
        String homePath = home.root().toString();
        Await.until(LIMIT, "no supervisor started", () -> supervisors(homePath).size() == 1);
        long supervisor = supervisorPids(homePath).get(0);
        Processes.killAndWait(supervisor);

        // past its timeout, nothing stops it: status says so, and how to bring the supervisor back
        Await.until(LIMIT, "status never said the idle timeout is not enforced", () -> {
            var result = home.run("status", "timed", "--json");
            JsonNode timed = Json.MAPPER.readTree(result.out()).get("instances").get(0);
            return timed.get("idle_timeout_not_enforced").isTextual();
        });
        var text = home.run("status", "timed");
        assertTrue(text.out().contains("idle timeout not enforced") && text.out().contains("'cachectl start timed'"),
                text.toString());
        assertTrue(home.hasState("timed") && Processes.alive(pid), "stopped without a supervisor?");

        // a start that finds its instance running, one without a timeout, brings a supervisor back
        home.run("start", "untimed").assertOk();
        Await.until(LIMIT, () -> "instance not stopped after the supervisor was replaced:\n" + supervisorLog(),
                () -> !home.hasState("timed") && !Processes.alive(pid));
        assertFalse(supervisorPids(homePath).contains(supervisor));
        assertTrue(supervisorLog().contains("stopping 'timed'"), supervisorLog());
        assertTrue(home.hasState("untimed"), "the instance without a timeout was stopped");
        home.run("stop", "untimed").assertOk();
        assertSupervisorExits();
    }

    @Test
    void a_supervisor_whose_home_is_gone_exits_within_a_second_or_two_not_a_tick_later() throws Exception {
        // a long timeout: the supervisor's tick is its longest, 10 s
        home.run("start", "long", "--idle-timeout", "1h").assertOk();
        long pid = home.pid("long");
        String homePath = home.root().toString();
        Await.until(LIMIT, "no supervisor started", () -> supervisors(homePath).size() == 1);
        Await.until(LIMIT, () -> "the supervisor never started:\n" + supervisorLog(),
                () -> supervisorLog().contains("supervisor started"));
        Thread.sleep(1000); // its first look at 'long' follows at once: it is now in its 10 s sleep
        Path away = home.root().resolveSibling(home.root().getFileName() + "-moved");
        Files.move(home.root(), away);
        try {
            boolean gone = Processes.eventually(Duration.ofSeconds(4), () -> supervisors(homePath).isEmpty());
            assertTrue(gone, "the supervisor outlived its home: pid " + supervisorPids(homePath));
        } finally {
            Files.move(away, home.root());
        }
        assertTrue(Processes.alive(pid), "the server went with the supervisor");
        home.run("stop", "long").assertOk();
    }

    /** Sends one command in RESP, reading nothing: the client then waits as a real one would. */
    private static void send(Socket socket, String... command) throws IOException {
        StringBuilder resp = new StringBuilder("*" + command.length + "\r\n");
        for (String part : command) {
            resp.append('$').append(part.length()).append("\r\n").append(part).append("\r\n");
        }
        socket.getOutputStream().write(resp.toString().getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
    }

    /** Waits until the server lists a client with {@code field} (CLIENT LIST is a probe command: no activity). */
    private static void awaitClientList(int port, String field) {
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            Await.until(Duration.ofSeconds(5), () -> "no client with " + field + " in CLIENT LIST",
                    () -> jedis.clientList().contains(field));
        }
    }

    private void assertSupervisorExits() {
        String homePath = home.root().toString();
        boolean gone = Processes.eventually(LIMIT, () -> supervisors(homePath).isEmpty());
        assertTrue(gone, "supervisor still running with no timed instance left: " + supervisors(homePath)
                + "\n" + supervisorLog());
    }

    private static List<Long> supervisorPids(String homePath) {
        return ProcessHandle.allProcesses()
                .filter(dev.cachectl.lifecycle.ProcessIdentity::running)
                .filter(p -> {
                    String cmd = Processes.commandLine(p);
                    return cmd.contains("supervise") && cmd.contains(homePath);
                })
                .map(ProcessHandle::pid)
                .toList();
    }

    private static List<String> supervisors(String homePath) {
        return ProcessHandle.allProcesses()
                .filter(dev.cachectl.lifecycle.ProcessIdentity::running)
                .map(Processes::commandLine)
                .filter(cmd -> cmd.contains("supervise") && cmd.contains(homePath))
                .toList();
    }

    private String supervisorLog() {
        try {
            return Files.isRegularFile(home.root().resolve("supervisor.log"))
                    ? Files.readString(home.root().resolve("supervisor.log")) : "(no supervisor.log)";
        } catch (IOException e) {
            return "(supervisor.log unreadable: " + e + ")";
        }
    }
}
