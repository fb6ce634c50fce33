package dev.cachectl.cli;

import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Help wraps between words, never inside one ({@code ./cachectl.yaml}, {@code e.g.}, URLs), to the
 * width of the terminal ({@code COLUMNS}): the words of a narrow help are exactly those of an
 * unwrapped one, and no line is wider than asked.
 */
class HelpWrapTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void every_command_help_wraps_at_word_boundaries_within_the_width() {
        List<String> commands = new ArrayList<>(CachectlCommand.SUBCOMMANDS);
        commands.remove("help");
        commands.remove("supervise"); // internal: started by cachectl itself, no help
        commands.add(0, "");
        for (String command : commands) {
            List<String> words = words(help(command, 1000));
            for (int width : new int[] {60, 80, 120}) {
                String text = help(command, width);
                assertEquals(words, words(text), "cachectl " + command + " --help at " + width + " columns:\n" + text);
                for (String line : text.lines().toList()) {
                    assertTrue(line.length() <= width, "wider than " + width + " in '" + command + "': " + line);
                }
            }
        }
    }

    @Test
    void the_help_is_as_wide_as_the_terminal() {
        String wide = help("start", 140);
        assertTrue(wide.lines().anyMatch(l -> l.length() > 100), wide);
    }

    private String help(String command, int columns) {
        home.env().put("COLUMNS", Integer.toString(columns));
        CliResult r = command.isEmpty() ? home.run("--help") : home.run(command, "--help");
        r.assertOk();
        return r.out();
    }

    private static List<String> words(String text) {
        return Arrays.stream(text.split("\\s+")).filter(w -> !w.isEmpty()).toList();
    }
}
