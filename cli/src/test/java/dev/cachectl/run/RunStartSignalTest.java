package dev.cachectl.run;

import dev.cachectl.CachectlException;
import dev.cachectl.Cancellation;
import dev.cachectl.ExitCode;
import dev.cachectl.lifecycle.Home;
import dev.cachectl.lifecycle.Lifecycle;
import dev.cachectl.lifecycle.StateStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A SIGTERM that arrives while {@code run} starts its command either keeps the command from starting or reaches it:
 * never neither, which left run waiting on a command that nothing would end (a CI run of {@link RunSignalTest} timed
 * out so, its signal sent the moment the command had written its first file).
 */
class RunStartSignalTest {

    @TempDir
    Path dir;

    @Test
    void a_sigterm_while_the_command_starts_ends_the_run() throws Exception {
        RunService service = new RunService(new Lifecycle(new StateStore(new Home(dir.resolve("home"))), Map.of(),
                Cancellation.unwatched()));
        ExecutorService runs = Executors.newSingleThreadExecutor();
        int started = 0;
        try {
            // the signal comes 0 to 6 ms after run listens for it: before the command, during its start and after
            for (int i = 0; i < 60; i++) {
                Path pid = dir.resolve("pid-" + i);
                Cancellation cancellation = Cancellation.unwatched();
                // one process, no children: nothing outlives it for the straggler wait to see (where a container's
                // init reaps orphans late, their zombies look alive to ProcessHandle for seconds)
                RunService.Plan plan = new RunService.Plan(List.of(), List.of("sh", "-c",
                        "echo $$ > " + pid + "; exec sleep 60"), false, Duration.ofSeconds(5),
                        Map.of("PATH", System.getenv("PATH")), dir, null, Duration.ZERO);
                Future<Integer> run = runs.submit(() -> service.run(plan, new PrintWriter(new StringWriter()), cancellation));
                // as in a real run, a signal is for run once its handler is in place (before, the JVM's default ends it)
                while (!cancellation.listened()) {
                    Thread.onSpinWait();
                }
                LockSupport.parkNanos(i * 100_000L);
                cancellation.signal("TERM");
                try {
                    assertEquals(143, run.get(10, TimeUnit.SECONDS), "the command's exit code");
                    started++;
                } catch (ExecutionException e) {
                    CachectlException interrupted = (CachectlException) e.getCause();
                    assertEquals(ExitCode.INTERRUPTED, interrupted.exitCode(), interrupted.getMessage());
                    assertEquals("interrupted by SIGTERM before the command started", interrupted.getMessage());
                } catch (TimeoutException e) {
                    kill(pid);
                    fail("run still waits on its command 10 s after a SIGTERM sent " + i * 100 + " us after run listened for it");
                }
            }
        } finally {
            runs.shutdownNow();
        }
        // the later signals find the command running (the earlier ones may or may not come before it)
        assertTrue(started > 0, "no signal reached a running command");
    }

    @Test
    void a_signal_during_the_preparation_cancels_it_and_the_command_never_starts() {
        RunService service = new RunService(new Lifecycle(new StateStore(new Home(dir.resolve("home"))), Map.of(),
                Cancellation.unwatched()));
        Cancellation cancellation = Cancellation.unwatched();
        List<String> cancels = new java.util.concurrent.CopyOnWriteArrayList<>();
        RunService.Preparation warm = new RunService.Preparation() {
            @Override
            public int prepare() {
                cancellation.signal("TERM");
                return 0;
            }

            @Override
            public void cancel(String reason) {
                cancels.add(reason);
            }
        };
        Path ran = dir.resolve("ran");
        RunService.Plan plan = new RunService.Plan(List.of(), List.of("sh", "-c", "touch " + ran), false,
                Duration.ofSeconds(5), Map.of("PATH", System.getenv("PATH")), dir, warm, null);
        CachectlException e = assertThrows(CachectlException.class,
                () -> service.run(plan, new PrintWriter(new StringWriter()), cancellation));
        assertEquals(ExitCode.INTERRUPTED, e.exitCode());
        assertEquals("interrupted by SIGTERM before the command started", e.getMessage());
        assertEquals(List.of("interrupted by SIGTERM"), cancels);
        assertFalse(Files.exists(ran), "the command ran after the signal");
    }

    private static void kill(Path pidFile) throws Exception {
        if (Files.exists(pidFile)) {
            ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).ifPresent(sh -> {
                sh.descendants().forEach(ProcessHandle::destroyForcibly);
                sh.destroyForcibly();
            });
        }
    }
}
