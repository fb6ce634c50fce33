package dev.cachectl.cli;

import dev.cachectl.Environment;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CachectlProcess;
import dev.cachectl.testing.CliResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Colour and the progress bar follow no-color.org, TERM=dumb and CLICOLOR_FORCE, decided in one place; stderr's
 * colour and the bar follow whether stderr is a terminal, stdout's colour whether stdout is.
 */
class ColourTest {
    private static final String ESC = "\u001b[";

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void an_empty_no_color_does_not_turn_colour_off_but_a_non_empty_one_does() {
        home.env().put("CLICOLOR_FORCE", "1");
        home.env().put("NO_COLOR", "");
        CliResult coloured = home.run("strat").assertExit(2);
        assertTrue(coloured.err().contains(ESC), coloured.toString());

        home.env().put("NO_COLOR", "1");
        CliResult plain = home.run("strat").assertExit(2);
        assertFalse(plain.err().contains(ESC), plain.toString());

        home.env().remove("NO_COLOR");
        CliResult flag = home.run("--no-color", "strat").assertExit(2);
        assertFalse(flag.err().contains(ESC), flag.toString());
    }

    @Test
    void output_that_is_not_a_terminal_has_no_escapes() {
        CliResult r = home.run("strat").assertExit(2);
        assertFalse(r.err().contains(ESC), r.toString());
    }

    @Test
    void a_dumb_terminal_gets_neither_colour_nor_a_bar() {
        assertEquals(new Terminal(false, false, false), detect(Map.of("TERM", "dumb"), true, true));
        assertEquals(new Terminal(true, true, true), detect(Map.of("TERM", "xterm-256color"), true, true));
        assertEquals(new Terminal(true, true, true), detect(Map.of("TERM", "xterm", "NO_COLOR", ""), true, true));
        assertEquals(new Terminal(false, false, true), detect(Map.of("TERM", "xterm", "NO_COLOR", "yes"), true, true));
    }

    @Test
    void stderr_has_colour_and_the_bar_when_it_is_a_terminal_whatever_stdout_is() {
        assertEquals(new Terminal(true, false, false), detect(Map.of("TERM", "xterm"), true, false));
        assertEquals(new Terminal(false, true, true), detect(Map.of("TERM", "xterm"), false, true));
        assertTrue(Environment.stderrIsTerminal("true", Path.of("/nonexistent")), "what the launcher says counts");
        assertFalse(Environment.stderrIsTerminal("false", Path.of("/dev/tty")), "what the launcher says counts");
    }

    /** Under a terminal, {@code 2>FILE}: the file gets plain lines, no colour and no bar; stdout keeps its terminal. */
    @Test
    void stderr_redirected_to_a_file_from_a_terminal_gets_no_escapes() throws Exception {
        CachectlProcess warm = onTerminal("2>warm.err", "warm", "users.jsonl", "--to", "a", "--key", "u:{id}");
        assertEquals(0, warm.exitWithin(Duration.ofSeconds(60)), warm.log());
        String warmErr = Files.readString(home.workDir().resolve("warm.err"));
        assertTrue(warmErr.contains("written 2"), warmErr);
        assertFalse(warmErr.contains(ESC) || warmErr.contains("\r"), "a bar or colour in a file: " + warmErr);

        CachectlProcess typo = onTerminal("2>typo.err", "strat");
        assertEquals(2, typo.exitWithin(Duration.ofSeconds(60)), typo.log());
        String typoErr = Files.readString(home.workDir().resolve("typo.err"));
        assertTrue(typoErr.startsWith("cachectl: unknown command 'strat'\n"), typoErr);
        home.run("stop", "a").assertOk();
    }

    /** Under a terminal, {@code | cat}: stdout is a pipe, stderr still the terminal, with red errors and the bar. */
    @Test
    void stderr_on_a_terminal_keeps_colour_and_the_bar_when_stdout_is_piped() throws Exception {
        // the pipeline's exit code is cat's: the log shows what the command did
        String warm = logOnceEnded(onTerminal("| cat", "warm", "users.jsonl", "--to", "a", "--key", "u:{id}"));
        assertTrue(warm.contains("written 2"), warm);
        assertTrue(warm.contains("\r" + ESC + "K"), "no bar on the terminal: " + warm);

        String typo = logOnceEnded(onTerminal("| cat", "strat"));
        assertTrue(typo.contains(ESC) && typo.indexOf(ESC) < typo.indexOf("cachectl: unknown command 'strat'"),
                "the error is not red on the terminal: " + typo);
        home.run("stop", "a").assertOk();
    }

    /** cachectl on a terminal of its own, with a redirection; a running instance 'a' and a users.jsonl of two records to warm it with. */
    private CachectlProcess onTerminal(String redirection, String... args) throws Exception {
        if (!home.hasState("a")) {
            home.run("start", "a").assertOk();
            Files.writeString(home.workDir().resolve("users.jsonl"), "{\"id\":1}\n{\"id\":2}\n");
        }
        return CachectlProcess.launchOnTerminalRedirected(home, args[0] + ".log", redirection, args);
    }

    private static String logOnceEnded(CachectlProcess process) throws InterruptedException {
        process.exitWithin(Duration.ofSeconds(60));
        return process.log();
    }

    private static Terminal detect(Map<String, String> variables, boolean stdout, boolean stderr) {
        return Terminal.detect(new Environment(new HashMap<>(variables), Path.of(".")), new String[0], stdout, stderr);
    }
}
