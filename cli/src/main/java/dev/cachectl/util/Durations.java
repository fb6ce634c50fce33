package dev.cachectl.util;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as operators write them: {@code 500ms}, {@code 30s}, {@code 15m}, {@code 2h}, {@code 1d}, or {@code 1h30m}. */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");
    /** Longer than any TTL, timeout or wait means anything: 100 years. */
    public static final Duration LONGEST = Duration.ofDays(36_500);

    private Durations() {
    }

    public static Duration parse(String text) {
        Duration d;
        try {
            d = read(text);
        } catch (ArithmeticException | NumberFormatException e) {
            d = null; // past what a long holds
        }
        if (d == null || d.compareTo(LONGEST) > 0) {
            throw new IllegalArgumentException("'" + text + "' is too long a duration (at most 36500d, 100 years)");
        }
        return d;
    }

    private static Duration read(String text) {
        String s = text.trim().toLowerCase();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty duration");
        }
        if (s.chars().allMatch(Character::isDigit)) {
            return Duration.ofSeconds(Long.parseLong(s));
        }
        Matcher m = PART.matcher(s);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                break;
            }
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            });
            end = m.end();
        }
        if (end != s.length()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (try 500ms, 30s, 15m, 2h, 1h30m)");
        }
        return total;
    }

    /** The shortest exact text for a duration, the way {@link #parse} reads it back. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) {
            return "0s";
        }
        if (ms % 1000 != 0) {
            return ms + "ms";
        }
        long s = ms / 1000;
        StringBuilder out = new StringBuilder();
        long[] units = {86400, 3600, 60, 1};
        String[] names = {"d", "h", "m", "s"};
        for (int i = 0; i < units.length; i++) {
            if (s >= units[i]) {
                out.append(s / units[i]).append(names[i]);
                s %= units[i];
            }
        }
        return out.toString();
    }
}
