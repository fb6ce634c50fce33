package dev.cachectl.run;

import java.time.Duration;
import dev.cachectl.testing.Await;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CachectlProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Signals reach {@code cachectl run} as a real process: its own JVM, in its own process group, with
 * SIGINT at its default disposition (a test JVM started from a background shell inherits SIGINT
 * ignored, and so would its children).
 */
class RunSignalTest {
    private static final String CHILD = "trap 'echo INT >> signals.txt; exit 3' INT; "
            + "trap 'echo TERM >> signals.txt; exit 4' TERM; "
            + "echo ready > ready.txt; while :; do sleep 0.05; done";

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void ctrl_c_to_the_process_group_reaches_the_command_once_and_instances_are_stopped() throws Exception {
        Process cachectl = launch();
        awaitReady(cachectl);
        kill("-INT", "-" + cachectl.pid());
        assertTrue(cachectl.waitFor(20, TimeUnit.SECONDS), "cachectl run did not exit");
        assertEquals(3, cachectl.exitValue());
        assertEquals(List.of("INT"), signals(), "the command got SIGINT exactly once");
        assertFalse(Files.exists(home.root().resolve("instances/sig/state.json")), "instance left running");
    }

    @Test
    void sigint_sent_to_cachectl_alone_is_forwarded_after_the_grace_period() throws Exception {
        Process cachectl = launch();
        awaitReady(cachectl);
        kill("-INT", Long.toString(cachectl.pid()));
        assertTrue(cachectl.waitFor(20, TimeUnit.SECONDS), "cachectl run did not exit");
        assertEquals(3, cachectl.exitValue());
        assertEquals(List.of("INT"), signals());
        assertFalse(Files.exists(home.root().resolve("instances/sig/state.json")), "instance left running");
    }

    @Test
    void sigterm_is_forwarded_and_instances_are_stopped() throws Exception {
        Process cachectl = launch();
        awaitReady(cachectl);
        kill("-TERM", Long.toString(cachectl.pid()));
        assertTrue(cachectl.waitFor(20, TimeUnit.SECONDS), "cachectl run did not exit");
        assertEquals(4, cachectl.exitValue());
        assertEquals(List.of("TERM"), signals());
        assertFalse(Files.exists(home.root().resolve("instances/sig/state.json")), "instance left running");
    }

    @Test
    void sigterm_reaches_every_process_the_command_started_and_instances_are_stopped() throws Exception {
        Process cachectl = CachectlProcess.launch(home, "cachectl.log", "run", "--with", "sig", "--", "sh", "-c",
                "echo $$ > pids.txt; sleep 300 & echo $! >> pids.txt; echo ready > ready.txt; sleep 301").process();
        awaitReady(cachectl);
        List<ProcessHandle> tree = new java.util.ArrayList<>();
        try {
            ProcessHandle sh = ProcessHandle.of(Long.parseLong(Files.readAllLines(home.workDir().resolve("pids.txt")).get(0)))
                    .orElseThrow();
            tree.add(sh);
            // sh has started both sleeps (or exec'd into the second, with the first under it)
            Await.until(Duration.ofSeconds(20), "the sleeps never started", () -> {
                tree.subList(1, tree.size()).clear();
                sh.descendants().forEach(tree::add);
                return tree.stream().flatMap(p -> p.info().arguments().stream()).flatMap(java.util.Arrays::stream)
                        .filter(arg -> arg.equals("300") || arg.equals("301")).count() == 2;
            });
            kill("-TERM", Long.toString(cachectl.pid()));
            assertTrue(cachectl.waitFor(20, TimeUnit.SECONDS), "cachectl run did not exit");
            assertEquals(143, cachectl.exitValue());
            Await.until(Duration.ofSeconds(10), "processes of the command outlived run: " + tree,
                    () -> tree.stream().noneMatch(ProcessHandle::isAlive));
            assertFalse(Files.exists(home.root().resolve("instances/sig/state.json")), "instance left running");
        } finally {
            tree.forEach(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void a_command_that_ignores_sigterm_gets_sigkill_after_kill_after_and_instances_are_stopped() throws Exception {
        // the trap is inherited by the loop's sleeps: nothing of the tree ends on SIGTERM
        Process cachectl = CachectlProcess.launch(home, "cachectl.log", "run", "--with", "sig", "--kill-after", "1s", "--",
                "sh", "-c", "trap '' TERM; echo ready > ready.txt; while :; do sleep 0.05; done").process();
        awaitReady(cachectl);
        long sent = System.nanoTime();
        kill("-TERM", Long.toString(cachectl.pid()));
        assertTrue(cachectl.waitFor(20, TimeUnit.SECONDS), "cachectl run waited on a command that ignores SIGTERM");
        assertTrue(System.nanoTime() - sent >= Duration.ofSeconds(1).toNanos(), "SIGKILL came before --kill-after");
        assertEquals(137, cachectl.exitValue(), log());
        assertTrue(log().contains("the command was still running 1s after SIGTERM: sent SIGKILL"), log());
        assertFalse(Files.exists(home.root().resolve("instances/sig/state.json")), "instance left running");
    }

    private Process launch() throws IOException {
        return CachectlProcess.launch(home, "cachectl.log", "run", "--with", "sig", "--", "sh", "-c", CHILD).process();
    }

    private void awaitReady(Process cachectl) throws Exception {
        Path ready = home.workDir().resolve("ready.txt");
        Await.until(Duration.ofSeconds(20), "the command never started", () -> {
            assertTrue(cachectl.isAlive(), () -> "cachectl exited early: " + log());
            return Files.exists(ready);
        });
    }

    private List<String> signals() throws IOException {
        Path file = home.workDir().resolve("signals.txt");
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }

    private String log() {
        try {
            return Files.readString(home.workDir().resolve("cachectl.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }


    private static void kill(String signal, String target) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", signal, "--", target).inheritIO().start().waitFor());
    }
}
