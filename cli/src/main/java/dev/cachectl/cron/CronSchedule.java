package dev.cachectl.cron;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A warm job's {@code schedule}, checked before it goes into a crontab, where a mistake would only show
 * as a job that never runs (cron mails its complaint, if anyone reads the mail). Five fields, as every
 * cron reads them: numbers, {@code *}, ranges {@code a-b}, steps {@code /n} and lists {@code a,b};
 * month and day names ({@code jan}, {@code mon}) alone in their field, the one place all crons accept
 * them; or one of the {@code @hourly}-style shorthands.
 */
public final class CronSchedule {
    private static final Set<String> SHORTHANDS = Set.of("@yearly", "@annually", "@monthly", "@weekly", "@daily",
            "@midnight", "@hourly");
    private static final List<Field> FIELDS = List.of(
            new Field("minute", 0, 59, List.of()),
            new Field("hour", 0, 23, List.of()),
            new Field("day of month", 1, 31, List.of()),
            new Field("month", 1, 12, List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")),
            // 0 and 7 are both Sunday
            new Field("day of week", 0, 7, List.of("sun", "mon", "tue", "wed", "thu", "fri", "sat")));

    private CronSchedule() {
    }

    private record Field(String name, int min, int max, List<String> names) {
    }

    /** The schedule as it goes in the crontab (fields separated by one space), or why it is not one. */
    public static String check(String text) {
        String schedule = text == null ? "" : text.trim().replaceAll("\\s+", " ");
        if (schedule.startsWith("@")) {
            if (!SHORTHANDS.contains(schedule.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("'" + text + "' is not a cron shorthand: use @hourly, @daily (@midnight),"
                        + " @weekly, @monthly or @yearly (@annually), or five fields like \"15 * * * *\"");
            }
            return schedule.toLowerCase(Locale.ROOT);
        }
        String[] parts = schedule.isEmpty() ? new String[0] : schedule.split(" ");
        if (parts.length != FIELDS.size()) {
            throw new IllegalArgumentException("'" + text + "' has " + parts.length + " field" + (parts.length == 1 ? "" : "s")
                    + "; a schedule has five: minute hour day-of-month month day-of-week, e.g. \"15 * * * *\"");
        }
        for (int i = 0; i < parts.length; i++) {
            checkField(FIELDS.get(i), parts[i], text);
        }
        return schedule;
    }

    private static void checkField(Field field, String part, String text) {
        String lower = part.toLowerCase(Locale.ROOT);
        if (field.names().contains(lower)) {
            return;
        }
        for (String item : part.split(",", -1)) {
            String range = item;
            int slash = item.indexOf('/');
            if (slash >= 0) {
                range = item.substring(0, slash);
                int step = number(field, item.substring(slash + 1), text);
                if (step < 1) {
                    throw problem(field, text, "the step after '/' must be at least 1");
                }
            }
            if (range.equals("*")) {
                continue;
            }
            int dash = range.indexOf('-');
            int from = inRange(field, range.substring(0, dash < 0 ? range.length() : dash), text);
            if (dash >= 0) {
                int to = inRange(field, range.substring(dash + 1), text);
                if (to < from) {
                    throw problem(field, text, "the range " + range + " runs backwards");
                }
            }
        }
    }

    private static int inRange(Field field, String value, String text) {
        int n = number(field, value, text);
        if (n < field.min() || n > field.max()) {
            throw problem(field, text, n + " is out of range " + field.min() + "-" + field.max());
        }
        return n;
    }

    private static int number(Field field, String value, String text) {
        if (!value.matches("\\d{1,4}")) {
            String hint = field.names().contains(value.toLowerCase(Locale.ROOT))
                    ? "a name like '" + value + "' stands alone in its field; use numbers in ranges, steps and lists"
                    : "'" + value + "' is not a number" + (field.names().isEmpty() ? ""
                    : " or a name (" + field.names().get(0) + ", " + field.names().get(1) + ", …)");
            throw problem(field, text, hint);
        }
        return Integer.parseInt(value);
    }

    private static IllegalArgumentException problem(Field field, String text, String what) {
        return new IllegalArgumentException("'" + text + "': " + field.name() + ": " + what);
    }
}
