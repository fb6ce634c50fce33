package dev.cachectl.cli;

import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A mistyped command or option is named as such, with the nearest ones by edit distance. */
class SuggestionsTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void a_mistyped_command_is_unknown_and_the_nearest_is_suggested() {
        CliResult r = home.run("strat").assertExit(2);
        assertTrue(r.err().startsWith("cachectl: unknown command 'strat'\n  Did you mean 'start'?\n"), r.toString());
        assertFalse(r.err().contains("Unmatched argument"), r.toString());
        assertTrue(home.run("stpo").assertExit(2).err().contains("Did you mean 'stop'?"));
        assertTrue(home.run("migarte", "a", "b").assertExit(2).err().contains("Did you mean 'migrate'?"));
    }

    @Test
    void a_mistyped_option_is_unknown_and_the_nearest_is_suggested() {
        CliResult r = home.run("status", "--jsn").assertExit(2);
        assertTrue(r.err().startsWith("cachectl: unknown option '--jsn'\n  Did you mean '--json'?\n"), r.toString());
        assertTrue(home.run("migrate", "a", "b", "--dry-rn").assertExit(2).err().contains("Did you mean '--dry-run'?"));
        assertTrue(home.run("warm", "f", "--to", "t", "--ttl-jiter", "5%").assertExit(2).err().contains("'--ttl-jitter'"));
    }

    @Test
    void nothing_near_means_no_suggestion() {
        CliResult r = home.run("frobnicate").assertExit(2);
        assertEquals("cachectl: unknown command 'frobnicate'\n  Try 'cachectl --help'.\n", r.err().replace("\r", ""));
    }

    @Test
    void edit_distance_counts_a_swap_of_neighbours_as_one() {
        assertEquals(1, Suggestions.distance("strat", "start"));
        assertEquals(1, Suggestions.distance("--jsn", "--json"));
        assertEquals(0, Suggestions.distance("stop", "stop"));
    }
}
