package dev.cachectl.shell;

import dev.cachectl.testing.Await;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import dev.cachectl.testing.CachectlProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code cachectl shell}: on a terminal in this JVM (completion, history, Ctrl-D) and reading a script from stdin,
 * in this JVM or, for signals, as a process of its own; Ctrl-C on a real terminal: {@link ShellOnTerminalTest}.
 */
class ShellTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String TAB = "\t";
    private static final String CTRL_D = "\u0004";
    static final int WARM_RECORDS = 20_000;

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void tab_completes_a_command_and_an_instance_name_and_ctrl_d_leaves() throws Exception {
        home.run("start", "cache-one").assertOk();
        try (ShellTerminal shell = new ShellTerminal(home)) {
            Await.until(WAIT, () -> "no prompt: " + shell.screen(), () -> shell.screen().contains("(1 running)> "));
            // "stat" is no command: only completed to "status" does it print the instance's row
            shell.type("stat" + TAB + "\r");
            Await.until(WAIT, () -> "status did not run: " + shell.screen(), () -> shell.screen().contains("cache-one")
                    && shell.screen().contains("up"));
            int before = shell.screen().length();
            shell.type("stop cache-o" + TAB + "\r");
            Await.until(WAIT, () -> "stop did not run: " + shell.screenSince(before), () -> !home.hasState("cache-one"));
            Await.until(WAIT, () -> "no prompt after stop: " + shell.screenSince(before),
                    () -> shell.screenSince(before).contains("(0 running)> "));
            shell.type(CTRL_D);
            assertEquals(0, shell.exit().get(20, TimeUnit.SECONDS), shell.screen());
        }
        Path history = home.root().resolve("history");
        assertEquals(java.util.List.of("status", "stop cache-one"), Files.readAllLines(history).stream()
                .map(line -> line.substring(line.indexOf(':') + 1)).toList());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(history)));
    }

    @Test
    void on_a_terminal_a_final_backslash_continues_the_command_on_the_next_line() throws Exception {
        try (ShellTerminal shell = new ShellTerminal(home)) {
            Await.until(WAIT, () -> "no prompt: " + shell.screen(), () -> shell.screen().contains("running)> "));
            shell.type("status \\\r");
            shell.type("--json\r");
            Await.until(WAIT, () -> "status --json did not run: " + shell.screen(), () -> shell.screen().contains("\"instances\""));
            shell.type(CTRL_D);
            assertEquals(0, shell.exit().get(20, TimeUnit.SECONDS), shell.screen());
            assertFalse(shell.screen().contains("Usage:"), "--json ran as a command of its own: " + shell.screen());
        }
    }

    @Test
    void on_a_terminal_an_exclamation_mark_is_the_users_not_a_history_event() throws Exception {
        try (ShellTerminal shell = new ShellTerminal(home)) {
            Await.until(WAIT, () -> "no prompt: " + shell.screen(), () -> shell.screen().contains("running)> "));
            shell.type("status --json\r");
            Await.until(WAIT, () -> "status --json did not run: " + shell.screen(), () -> shell.screen().contains("\"instances\""));
            shell.type("stop n!!x\r");
            Await.until(WAIT, () -> "stop did not answer: " + shell.screen(), () -> shell.screen().contains("invalid instance name"));
            assertTrue(shell.screen().contains("invalid instance name 'n!!x'"), shell.screen());
            shell.type(CTRL_D);
            shell.exit().get(20, TimeUnit.SECONDS);
            assertFalse(shell.screen().contains("nstatus"), "!! became the line before: " + shell.screen());
        }
    }

    @Test
    void a_script_on_stdin_stops_at_the_first_failing_line_with_its_exit_code() {
        CliResult result = home.runWithInput(String.join("\n",
                "# a comment, then a blank line",
                "",
                "cachectl start one",
                "status one --json",
                "stop two --timeout never",
                "start three").getBytes(), "shell");
        assertEquals(2, result.exitCode(), result.toString());
        assertTrue(result.out().contains("\"name\" : \"one\""), result.toString());
        assertTrue(result.err().contains("--timeout"), result.toString());
        assertTrue(home.hasState("one"));
        assertFalse(home.hasState("three"), "a line after the failing one ran");
        home.run("stop", "one").assertOk();
    }

    @Test
    void a_script_line_with_an_unclosed_quote_is_refused_not_run() {
        home.run("start", "src").assertOk();
        CliResult result = home.runWithInput("status src\nstop 'src\n".getBytes(), "shell");
        assertEquals(2, result.exitCode(), result.toString());
        assertTrue(result.err().contains("line 2: a quote is not closed"), result.toString());
        assertTrue(home.hasState("src"), "the line with the unclosed quote ran");
    }

    @Test
    void a_script_line_reaches_the_command_as_bash_splits_it_continued_by_a_final_backslash_with_tilde_as_home()
            throws Exception {
        home.run("start", "src", "dst").assertOk();
        try (Jedis src = new Jedis("127.0.0.1", home.port("src")); Jedis dst = new Jedis("127.0.0.1", home.port("dst"))) {
            src.set("a*", "1");
            src.set("ab", "2");
            src.set("ac", "3");
            Path user = Files.createDirectories(home.workDir().resolve("user"));
            Files.writeString(user.resolve("one.jsonl"), "{\"id\":1}\n");
            home.env().put("HOME", user.toString());
            // the backslash in quotes reaches migrate (Redis's escaped *: one key); the one at the end of the
            // first line continues it, so --dry-run is migrate's; ~/ is HOME, not a folder named ~
            CliResult result = home.runWithInput(String.join("\n",
                    "migrate src dst --match 'a\\*' \\",
                    "    --dry-run --json",
                    "warm ~/one.jsonl --to src --key \"w:{id}\" --dry-run --json").getBytes(StandardCharsets.UTF_8), "shell");
            assertEquals(0, result.exitCode(), result.toString());
            assertTrue(result.out().contains("\"scanned\" : 1,"), result.toString());
            assertTrue(result.out().contains("\"would_write\" : 1,"), result.toString());
            assertEquals(0, dst.dbSize(), "the migrate ran for real");
            assertEquals(3, src.dbSize());
            assertFalse(Files.exists(home.workDir().resolve("~")));
        } finally {
            home.run("stop", "src", "dst").assertOk();
        }
    }

    @Test
    void a_script_whose_last_line_ends_with_a_backslash_is_refused_not_run() {
        CliResult result = home.runWithInput("start never \\\n".getBytes(StandardCharsets.UTF_8), "shell");
        assertEquals(2, result.exitCode(), result.toString());
        assertTrue(result.err().contains("line 1: it ends with a backslash, but no line follows"), result.toString());
        assertFalse(home.hasState("never"), "the unfinished line ran");
    }

    @Test
    void exit_with_a_code_ends_a_script_with_that_code() {
        CliResult result = home.runWithInput("status\nexit 3\nstart never\n".getBytes(), "shell");
        assertEquals(3, result.exitCode(), result.toString());
        assertFalse(home.hasState("never"), "a line after exit ran");
    }

    @Test
    void global_options_given_to_the_shell_apply_to_each_line_unless_it_gives_its_own() throws Exception {
        Path other = Files.createDirectories(home.workDir().resolve("other-home"));
        CliResult result = home.runWithInput("status\nstatus --home other-home\n".getBytes(), "--json", "--home", "other-home", "shell")
                .assertOk();
        assertEquals(2, result.out().split("\"instances\"", -1).length - 1, result.toString());
        CliResult own = home.runWithInput("status --home other-home\n".getBytes(), "--home", home.root().toString(), "shell");
        own.assertOk();
        assertTrue(Files.isDirectory(other));
    }

    @ParameterizedTest
    @ValueSource(strings = {"exit 256", "exit -1", "exit abc", "exit +5", "exit 3 # a comment is a line of its own", "quit 300"})
    void exit_with_anything_but_a_code_from_0_to_255_is_a_usage_error(String line) {
        CliResult result = home.runWithInput((line + "\nstart never\n").getBytes(StandardCharsets.UTF_8), "shell");
        assertEquals(2, result.exitCode(), result.toString());
        assertTrue(result.err().contains("N must be a number from 0 to 255"), result.toString());
        assertFalse(result.err().contains("unknown command"), result.toString());
        assertFalse(home.hasState("never"), "a line after the bad exit ran");
    }

    @Test
    void exit_255_and_exit_0_are_codes() {
        assertEquals(255, home.runWithInput("exit 255\n".getBytes(StandardCharsets.UTF_8), "shell").exitCode());
        home.runWithInput("exit 0\nstart never\n".getBytes(StandardCharsets.UTF_8), "shell").assertOk();
        assertFalse(home.hasState("never"), "a line after exit 0 ran");
    }

    @Test
    void a_byte_order_mark_at_the_start_of_a_script_is_not_part_of_its_first_command() {
        CliResult result = home.runWithInput("\uFEFFstatus\nexit 7\n".getBytes(StandardCharsets.UTF_8), "shell");
        assertEquals(7, result.exitCode(), result.toString());
    }

    @Test
    void a_history_file_that_is_not_utf8_leaves_the_shell_working_without_history() throws Exception {
        Files.createDirectories(home.root());
        Path history = home.root().resolve("history");
        byte[] latin1 = "1796579186663:st\u00e9tus\n".getBytes(StandardCharsets.ISO_8859_1);
        Files.write(history, latin1);
        usableWithoutHistory("cannot be read (not UTF-8 text)");
        assertArrayEquals(latin1, Files.readAllBytes(history), "the unreadable history was changed");
    }

    @Test
    void a_history_that_is_a_folder_leaves_the_shell_working_without_history() throws Exception {
        Files.createDirectories(home.root().resolve("history"));
        usableWithoutHistory("cannot be read (it is a folder)");
        assertTrue(Files.isDirectory(home.root().resolve("history")));
    }

    private void usableWithoutHistory(String why) throws Exception {
        try (ShellTerminal shell = new ShellTerminal(home)) {
            Await.until(WAIT, () -> "no prompt: " + shell.screen(), () -> shell.screen().contains("running)> "));
            shell.type("status --json\r");
            Await.until(WAIT, () -> "status did not run: " + shell.screen(), () -> shell.screen().contains("\"instances\""));
            shell.type("status --json\r");
            Await.until(WAIT, () -> "the shell ended after a line: " + shell.screen(),
                    () -> shell.screen().split("\"instances\"", -1).length - 1 == 2);
            shell.type(CTRL_D);
            assertEquals(0, shell.exit().get(20, TimeUnit.SECONDS), shell.screen());
            String said = "cachectl: history " + home.root().resolve("history") + " " + why + ": this session's lines are not kept";
            assertEquals(2, shell.screen().split(java.util.regex.Pattern.quote(said), -1).length, "said once: " + shell.screen());
        }
    }

    @Test
    void sigterm_to_a_script_during_run_reaches_the_command_stops_its_instance_and_ends_the_script_with_its_code()
            throws Exception {
        CachectlProcess shell = CachectlProcess.launch(home, "shell.log", "shell");
        Path pidFile = home.workDir().resolve("sleep.pid");
        ProcessHandle sleep = null;
        try {
            shell.type("run --with orph -- sh -c 'echo $$ > sleep.pid.tmp && mv sleep.pid.tmp sleep.pid && exec sleep 100'\n"
                    + "start never\n");
            Await.until(WAIT, () -> "the command never started: " + shell.log(), () -> {
                assertTrue(shell.process().isAlive(), () -> "the shell ended early: " + shell.log());
                return Files.exists(pidFile);
            });
            sleep = ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).orElseThrow();
            shell.signal("-TERM", false);
            assertEquals(143, shell.exitWithin(WAIT), shell.log());
            ProcessHandle command = sleep;
            Await.until(Duration.ofSeconds(10), "the command outlived the shell", () -> !command.isAlive());
            assertFalse(home.hasState("orph"), "the instance was left running: " + shell.log());
            assertFalse(home.hasState("never"), "a line after the signal ran");
        } finally {
            if (sleep != null) {
                sleep.destroyForcibly();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TERM", "HUP", "INT"})
    void a_signal_to_a_script_during_warm_winds_it_down_with_its_summary_and_exit_130(String signal) throws Exception {
        home.run("start", "t").assertOk();
        CachectlProcess shell = CachectlProcess.launch(home, "shell.log", "shell");
        shell.type(slowWarm(home) + "\nstart never\n");
        try (Jedis redis = new Jedis("127.0.0.1", home.port("t"))) {
            Await.until(WAIT, () -> "warm made no progress: " + shell.log(), () -> {
                assertTrue(shell.process().isAlive(), () -> "the shell ended early: " + shell.log());
                return redis.dbSize() >= 1000;
            });
            shell.signal("-" + signal, false);
            assertEquals(130, shell.exitWithin(WAIT), shell.log());
            long keys = redis.dbSize();
            assertTrue(keys < WARM_RECORDS, "the warm was not interrupted");
            assertTrue(shell.log().contains("interrupted by SIG" + signal), shell.log());
            assertTrue(shell.log().contains("written " + keys + ","), "no summary: " + shell.log());
        }
        assertFalse(home.hasState("never"), "a line after the signal ran");
    }

    /** A warm of {@link #WARM_RECORDS} records into instance {@code t} that takes about ten seconds: a line to interrupt. */
    static String slowWarm(CachectlHome home) throws java.io.IOException {
        StringBuilder records = new StringBuilder();
        for (int i = 0; i < WARM_RECORDS; i++) {
            records.append("{\"id\":").append(i).append(",\"v\":\"x\"}\n");
        }
        Files.writeString(home.workDir().resolve("many.jsonl"), records);
        return "warm many.jsonl --to t --key k:{id} --value v --rate 2000 --batch 100 --progress none";
    }
}
