package dev.cachectl.shell;

import dev.cachectl.testing.Await;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CachectlProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import java.nio.file.Files;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shell on a real pseudo-terminal, as its own process: Ctrl-C there is a real SIGINT to the
 * process group, which must reach the running command's token and not end the shell.
 */
class ShellOnTerminalTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void ctrl_c_on_a_terminal_stops_the_running_migrate_and_not_the_shell() throws Exception {
        int keys = 5_000;
        home.run("start", "src", "dst").assertOk();
        home.fill("src", keys);
        CachectlProcess shell = CachectlProcess.launchOnTerminal(home, "shell.log", "shell", "--progress", "none");
        try (Jedis dst = new Jedis("127.0.0.1", home.port("dst"))) {
            Await.until(WAIT, () -> "no prompt: " + shell.log(), () -> prompts(shell) == 1);
            shell.type("migrate src dst --rate 1000 --threads 1 --batch 100 --scan-count 100\r");
            Await.until(WAIT, () -> "migrate made no progress: " + shell.log(), () -> dst.dbSize() >= 300);
            shell.type("\u0003");
            Await.until(WAIT, () -> "migrate did not stop: " + shell.log(),
                    () -> shell.log().contains("checkpoint saved") && prompts(shell) == 2);
            assertTrue(dst.dbSize() < keys, "the migrate was not interrupted");
            assertTrue(shell.process().isAlive(), "Ctrl-C ended the shell: " + shell.log());
            shell.type("\u0004");
            assertEquals(0, shell.exitWithin(WAIT), shell.log());
        } finally {
            shell.process().destroyForcibly();
        }
    }

    @Test
    void sigterm_during_a_warm_on_a_terminal_winds_it_down_then_ends_the_shell_with_its_code() throws Exception {
        home.run("start", "t").assertOk();
        String warm = ShellTest.slowWarm(home);
        CachectlProcess shell = CachectlProcess.launchOnTerminal(home, "shell.log", "shell");
        try (Jedis redis = new Jedis("127.0.0.1", home.port("t"))) {
            Await.until(WAIT, () -> "no prompt: " + shell.log(), () -> prompts(shell) == 1);
            shell.type(warm + "\r");
            Await.until(WAIT, () -> "warm made no progress: " + shell.log(), () -> redis.dbSize() >= 1000);
            // the shell's JVM alone, as a supervisor would: not the terminal's process group
            long jvm = shell.process().descendants().filter(p -> p.info().command().orElse("").endsWith("/java"))
                    .findFirst().orElseThrow().pid();
            assertEquals(0, new ProcessBuilder("kill", "-TERM", Long.toString(jvm)).inheritIO().start().waitFor());
            assertEquals(130, shell.exitWithin(WAIT), shell.log());
            long keys = redis.dbSize();
            assertTrue(keys < ShellTest.WARM_RECORDS, "the warm was not interrupted");
            assertTrue(shell.log().contains("interrupted by SIGTERM"), shell.log());
            assertTrue(shell.log().contains("written " + keys + ","), "no summary: " + shell.log());
            assertEquals(1, prompts(shell), "the shell went on after SIGTERM: " + shell.log());
            assertTrue(Files.readString(home.root().resolve("history")).contains(warm), "history not saved");
        } finally {
            shell.process().descendants().forEach(ProcessHandle::destroyForcibly);
            shell.process().destroyForcibly();
        }
    }

    private static int prompts(CachectlProcess shell) {
        return shell.log().split("running\\)> ", -1).length - 1;
    }
}
