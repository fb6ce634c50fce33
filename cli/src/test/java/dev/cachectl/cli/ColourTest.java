package dev.cachectl.cli;

import dev.cachectl.Environment;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Colour and the progress bar follow no-color.org, TERM=dumb and CLICOLOR_FORCE, decided in one place. */
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
        assertEquals(new Terminal(false, false), detect(Map.of("TERM", "dumb")));
        assertEquals(new Terminal(true, true), detect(Map.of("TERM", "xterm-256color")));
        assertEquals(new Terminal(true, true), detect(Map.of("TERM", "xterm", "NO_COLOR", "")));
        assertEquals(new Terminal(false, true), detect(Map.of("TERM", "xterm", "NO_COLOR", "yes")));
    }

    private static Terminal detect(Map<String, String> variables) {
        return Terminal.detect(new Environment(new HashMap<>(variables), Path.of(".")), new String[0], true);
    }
}
