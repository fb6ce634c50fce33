package dev.cachectl.cli;

import dev.cachectl.Environment;

import java.util.Arrays;

/**
 * What cachectl may draw on the terminal: colour, and a progress bar redrawn in place. Decided in
 * one place from the environment, so that colour and the bar agree.
 * <ul>
 *   <li>no colour with {@code --no-color} or a non-empty {@code NO_COLOR} (no-color.org: an empty
 *       one does not count);</li>
 *   <li>{@code CLICOLOR_FORCE} (non-empty, not 0) asks for colour even when not on a terminal;</li>
 *   <li>otherwise colour and the bar need a terminal, and not {@code TERM=dumb}, which cannot
 *       show escape sequences.</li>
 * </ul>
 */
public record Terminal(boolean colour, boolean bar) {

    public static Terminal detect(Environment env, String[] args) {
        return detect(env, args, env.terminal());
    }

    static Terminal detect(Environment env, String[] args, boolean console) {
        boolean capable = console && !"dumb".equals(env.get("TERM"));
        boolean off = set(env.get("NO_COLOR")) || Arrays.asList(args).contains("--no-color");
        boolean forced = set(env.get("CLICOLOR_FORCE")) && !"0".equals(env.get("CLICOLOR_FORCE"));
        return new Terminal(!off && (forced || capable), capable);
    }

    private static boolean set(String value) {
        return value != null && !value.isEmpty();
    }
}
