package dev.cachectl.cli;

import dev.cachectl.Environment;

import java.util.Arrays;

/**
 * What cachectl may draw on the terminal: colour on stdout (tables), colour on stderr (errors,
 * warnings, notes), and a progress bar redrawn in place, which goes to stderr. Decided in one place
 * from the environment, so that colour and the bar agree; each stream by whether it is a terminal
 * itself ({@code 2>errors.txt} under a terminal gets plain lines, a piped stdout keeps red errors).
 * <ul>
 *   <li>no colour with {@code --no-color} or a non-empty {@code NO_COLOR} (no-color.org: an empty
 *       one does not count);</li>
 *   <li>{@code CLICOLOR_FORCE} (non-empty, not 0) asks for colour even when not on a terminal;</li>
 *   <li>otherwise colour and the bar need a terminal, and not {@code TERM=dumb}, which cannot
 *       show escape sequences.</li>
 * </ul>
 */
public record Terminal(boolean colour, boolean errorColour, boolean bar) {

    public static Terminal detect(Environment env, String[] args) {
        return detect(env, args, env.terminal(), env.errorTerminal());
    }

    static Terminal detect(Environment env, String[] args, boolean stdout, boolean stderr) {
        boolean dumb = "dumb".equals(env.get("TERM"));
        boolean off = set(env.get("NO_COLOR")) || Arrays.asList(args).contains("--no-color");
        boolean forced = set(env.get("CLICOLOR_FORCE")) && !"0".equals(env.get("CLICOLOR_FORCE"));
        return new Terminal(!off && (forced || stdout && !dumb), !off && (forced || stderr && !dumb), stderr && !dumb);
    }

    private static boolean set(String value) {
        return value != null && !value.isEmpty();
    }
}
