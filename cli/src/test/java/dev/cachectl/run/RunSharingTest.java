package dev.cachectl.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.testing.Await;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CachectlProcess;
import dev.cachectl.testing.CliResult;
import dev.cachectl.testing.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs that share an instance (two CI jobs on one machine with one cache name): an instance a run started is stopped
 * when the last run using it ends, never while another still uses it; one started by hand is never stopped by runs.
 * Each run is a process of its own, whose command waits until the test lets it end.
 */
class RunSharingTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void when_the_run_that_started_an_instance_ends_first_the_last_run_using_it_keeps_it_and_then_stops_it() throws Exception {
        CachectlProcess first = runUntilLetGo("first");
        String url = awaitUrl(first, "first");
        long pid = home.pid("shared");
        CachectlProcess second = runUntilLetGo("second");
        assertEquals(url, awaitUrl(second, "second"));
        assertEquals(pid, home.pid("shared"), "the second run started a server of its own");

        letGo("first");
        assertEquals(0, first.exitWithin(LIMIT), first.log());
        assertTrue(Processes.alive(pid), "the run that started it stopped the server another run still uses: " + first.log());
        try (Jedis jedis = new Jedis(URI.create(url))) {
            assertEquals("PONG", jedis.ping());
        }

        letGo("second");
        assertEquals(0, second.exitWithin(LIMIT), second.log());
        assertFalse(home.hasState("shared"), "the last run left the instance running: " + second.log());
        assertFalse(Processes.alive(pid), "server still running after the last run ended");
        assertFalse(Files.exists(home.instanceDir("shared")), "the last run left the instance's folder");
    }

    @Test
    void runs_leave_an_instance_started_by_hand_running_whichever_ends_last() throws Exception {
        home.run("start", "shared").assertOk();
        long pid = home.pid("shared");
        CachectlProcess first = runUntilLetGo("first");
        awaitUrl(first, "first");
        CachectlProcess second = runUntilLetGo("second");
        awaitUrl(second, "second");

        letGo("first");
        assertEquals(0, first.exitWithin(LIMIT), first.log());
        letGo("second");
        assertEquals(0, second.exitWithin(LIMIT), second.log());

        assertTrue(home.hasState("shared"), "a run stopped an instance started by hand: " + second.log());
        assertEquals(pid, home.pid("shared"));
        assertTrue(Processes.alive(pid));
        assertFalse(Files.exists(home.instanceDir("shared").resolve("runs")), "the runs left their leases");
    }

    @Test
    void an_instance_whose_runs_were_all_killed_with_sigkill_is_stopped_by_the_supervisor() throws Exception {
        CachectlProcess killed = runUntilLetGo("killed");
        awaitUrl(killed, "killed");
        long pid = home.pid("shared");
        Path leases = home.instanceDir("shared").resolve("runs");
        assertTrue(Files.exists(leases), "the run wrote no lease");
        // a run that lives longer than the supervisor's look at its lease keeps its instance
        Thread.sleep(2_500);
        assertTrue(Processes.alive(pid), "the instance was stopped while its run still used it: " + killed.log());

        killed.signal("-KILL", true);
        killed.exitWithin(LIMIT);
        // no other cachectl command runs: the home's supervisor finds no live run using it, and stops it
        Await.until(LIMIT, () -> "the instance a killed run started still runs; supervisor log:\n" + supervisorLog(),
                () -> !Processes.alive(pid));
        // its state goes first, then its folder
        Await.until(LIMIT, () -> "its state or folder was left: " + supervisorLog(),
                () -> !home.hasState("shared") && !Files.exists(home.instanceDir("shared")));
        // the supervisor says so once the stop has returned, a moment after the folder went
        Await.until(LIMIT, () -> "the supervisor did not say why: " + supervisorLog(),
                () -> supervisorLog().contains("started by a 'cachectl run' that no longer runs"));
    }

    @Test
    void a_run_killed_while_it_starts_its_instance_leaves_it_to_the_supervisor() throws Exception {
        List<Long> pids = killRunDuringStart("");
        assertEquals(1, pids.size());
        assertTrue(home.run("status", "shared").out().contains("down"), supervisorLog());
    }

    @Test
    void a_run_killed_while_it_starts_a_cluster_leaves_it_to_the_supervisor() throws Exception {
        assertEquals(3, killRunDuringStart("    cluster: 3\n").size());
    }

    @Test
    void a_server_whose_run_died_before_it_recorded_the_server_is_stopped_by_the_supervisor() throws Exception {
        // what a run killed between launching the server and writing its state leaves: the server, the run's lease
        home.run("start", "shared").assertOk();
        long pid = home.pid("shared");
        Files.delete(home.instanceDir("shared").resolve("state.json"));
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Files.writeString(Files.createDirectory(home.instanceDir("shared").resolve("runs")).resolve("dead.json"), "{\"id\": \"dead\", \"pid\": "
                + gone.pid() + ", \"process_start_millis\": 1, \"process_start_ticks\": 1, \"executable\": \"java\"}");
        // any start with an idle timeout brings the home's supervisor
        home.run("start", "other", "--idle-timeout", "1h").assertOk();

        Await.until(LIMIT, () -> "the unrecorded server of a dead run still runs; supervisor log:\n" + supervisorLog(),
                () -> !Processes.alive(pid) && !Files.exists(home.instanceDir("shared")));
        Await.until(LIMIT, () -> "the supervisor did not say why: " + supervisorLog(),
                () -> supervisorLog().contains("launched by a 'cachectl run' that died before it recorded it"));
        home.run("stop", "other").assertOk();
    }

    /**
     * Kills (SIGKILL) a run of {@code shared} (its settings in cachectl.yaml: {@code settings}) once its start has
     * launched the servers and written the state, before they answer: servers that answer only once the test lets
     * them. Waits until the supervisor has stopped them all, and returns their pids.
     */
    private List<Long> killRunDuringStart(String settings) throws Exception {
        String server = Processes.output("sh", "-c", "command -v redis-server").trim();
        Path slow = home.workDir().resolve("slow-redis-server");
        Path go = home.workDir().resolve("server.go");
        Files.writeString(slow, "#!/bin/sh\n[ \"$1\" = --version ] || while [ ! -f " + go + " ]; do sleep 0.05; done\n"
                + "exec " + server + " \"$@\"\n");
        assertTrue(slow.toFile().setExecutable(true));
        Files.writeString(home.workDir().resolve("cachectl.yaml"), "instances:\n  shared:\n    binary: " + slow + "\n" + settings);
        CachectlProcess killed = CachectlProcess.launch(home, "killed.log", "run", "--with", "shared", "--", "sleep", "30");
        Await.until(LIMIT, () -> "the run never launched its servers: " + killed.log(), () -> {
            assertTrue(killed.process().isAlive(), () -> "the run exited early: " + killed.log());
            return home.hasState("shared");
        });
        JsonNode state = home.state("shared");
        List<Long> pids = new ArrayList<>();
        (state.path("nodes").isEmpty() ? List.of(state) : state.path("nodes")).forEach(n -> pids.add(n.get("pid").asLong()));
        killed.signal("-KILL", true);
        killed.exitWithin(LIMIT);
        assertTrue(pids.stream().allMatch(Processes::alive), "a server was gone before the run was killed");
        Files.createFile(go);

        Await.until(LIMIT, () -> "servers a run killed during its start launched still run; supervisor log:\n"
                + supervisorLog(), () -> pids.stream().noneMatch(Processes::alive) && !home.hasState("shared"));
        return pids;
    }

    @Test
    void an_instance_a_killed_run_started_is_kept_while_another_run_uses_it() throws Exception {
        CachectlProcess killed = runUntilLetGo("killed");
        awaitUrl(killed, "killed");
        long pid = home.pid("shared");
        CachectlProcess other = runUntilLetGo("other");
        awaitUrl(other, "other");
        killed.signal("-KILL", true);
        killed.exitWithin(LIMIT);
        Thread.sleep(2_500);
        assertTrue(Processes.alive(pid), "the supervisor stopped an instance a live run uses: " + supervisorLog());

        // the last live run, ending, stops it (and removes the killed run's lease with it)
        letGo("other");
        assertEquals(0, other.exitWithin(LIMIT), other.log());
        assertFalse(home.hasState("shared"), "the last run left the instance running: " + other.log());
        assertFalse(Processes.alive(pid));
    }

    private String supervisorLog() {
        Path log = home.root().resolve("supervisor.log");
        try {
            return Files.exists(log) ? Files.readString(log) : "(no supervisor log)";
        } catch (IOException e) {
            return "(supervisor log unreadable: " + e + ")";
        }
    }

    @Test
    void a_stop_by_hand_stops_an_instance_runs_use_and_says_so() throws Exception {
        CachectlProcess run = runUntilLetGo("user");
        awaitUrl(run, "user");
        long pid = home.pid("shared");
        CliResult stop = home.run("stop", "shared").assertOk();
        assertTrue(stop.err().contains("it was in use by a 'cachectl run' (pid " + run.pid() + "), which loses it"), stop.toString());
        assertFalse(Processes.alive(pid));

        letGo("user");
        assertEquals(0, run.exitWithin(LIMIT), run.log());
        assertFalse(home.hasState("shared"));
    }

    /** A run of {@code shared} whose command writes its REDIS_URL to WHO.url and waits for WHO.go. */
    private CachectlProcess runUntilLetGo(String who) throws IOException {
        return CachectlProcess.launch(home, who + ".log", "run", "--with", "shared", "--", "sh", "-c",
                "echo \"$REDIS_URL\" > " + who + ".tmp && mv " + who + ".tmp " + who + ".url; "
                        + "while [ ! -f " + who + ".go ]; do sleep 0.05; done");
    }

    private String awaitUrl(CachectlProcess run, String who) throws IOException {
        Path url = home.workDir().resolve(who + ".url");
        Await.until(LIMIT, () -> who + "'s command never started: " + run.log(), () -> {
            assertTrue(run.process().isAlive(), () -> who + " exited early: " + run.log());
            return Files.exists(url);
        });
        return Files.readString(url).trim();
    }

    private void letGo(String who) throws IOException {
        Files.createFile(home.workDir().resolve(who + ".go"));
    }
}
