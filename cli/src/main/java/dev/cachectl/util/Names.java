package dev.cachectl.util;

/**
 * Checks of the names users give (instances, locks) without a regular expression: compiling one costs a
 * short command more than a millisecond of its start, and every command checks a name.
 */
public final class Names {

    private Names() {
    }

    /**
     * Whether {@code name} is 1 to {@code max} characters: an ASCII letter or digit first (lowercase only
     * unless {@code upper}), then those or any of {@code more}.
     */
    public static boolean valid(String name, int max, boolean upper, String more) {
        if (name.isEmpty() || name.length() > max || !letterOrDigit(name.charAt(0), upper)) {
            return false;
        }
        for (int i = 1; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!letterOrDigit(c, upper) && more.indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean letterOrDigit(char c, boolean upper) {
        return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || upper && c >= 'A' && c <= 'Z';
    }
}
