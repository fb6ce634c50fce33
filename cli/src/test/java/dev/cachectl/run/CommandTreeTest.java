package dev.cachectl.run;

import dev.cachectl.testing.Await;
import dev.cachectl.util.ProcStat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link CommandTree}: what outlives the command after a signal, and what does not count. */
class CommandTreeTest {

    @TempDir
    Path dir;

    @Test
    void a_zombie_left_by_the_command_is_not_a_straggler_the_process_that_ignored_the_signal_is() throws Exception {
        // the command: sh, under it a process that ignores SIGTERM and never reaps its child, a sleep that has exited
        Path pid = dir.resolve("pid");
        Process command = new ProcessBuilder("sh", "-c",
                "(trap '' TERM; sleep 0.1 & exec sleep 300) & echo $! > " + pid + "; wait").start();
        List<ProcessHandle> started = new ArrayList<>();
        try {
            Await.until(Duration.ofSeconds(10), "the sleep never became a zombie", () -> {
                if (!Files.exists(pid) || Files.readString(pid).isBlank()) {
                    return false;
                }
                ProcessHandle keeper = ProcessHandle.of(Long.parseLong(Files.readString(pid).trim())).orElseThrow();
                started.clear();
                started.add(keeper);
                keeper.children().forEach(started::add);
                return started.size() == 2 && ProcStat.of(started.get(1).pid()).map(ProcStat::zombie).orElse(false);
            });
            CommandTree tree = new CommandTree(command);
            tree.send("TERM");
            assertTrue(command.waitFor(10, TimeUnit.SECONDS), "sh did not end on SIGTERM");

            assertEquals(1, tree.killStragglers(Duration.ofMillis(300)), "only the process that ignored SIGTERM outlived it");
            ProcessHandle keeper = started.get(0);
            Await.until(Duration.ofSeconds(10), "SIGKILL did not end the process that ignored SIGTERM",
                    () -> !keeper.isAlive() || ProcStat.of(keeper.pid()).map(ProcStat::zombie).orElse(true));
            assertFalse(command.isAlive());
        } finally {
            started.forEach(ProcessHandle::destroyForcibly);
            command.destroyForcibly();
        }
    }
}
