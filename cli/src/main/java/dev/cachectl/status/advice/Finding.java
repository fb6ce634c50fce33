package dev.cachectl.status.advice;

/**
 * One piece of advice about an instance: the {@code rule} that found it, the {@code measure} that
 * triggered it (what was measured, its value and the threshold, in words), and what to do about it.
 */
public record Finding(String instance, String rule, String measure, String advice) {

    /** One line, for {@code status --check} and under the status table. */
    public String line() {
        return instance + ": " + measure + ": " + advice;
    }
}
