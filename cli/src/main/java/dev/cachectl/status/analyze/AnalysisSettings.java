package dev.cachectl.status.analyze;

/**
 * How {@code status --analyze} reads a keyspace: {@code sample} keys in all (spread over servers and
 * dbs by their key counts), or every key when {@code full}; namespaces are key prefixes up to
 * {@code depth} occurrences of {@code delimiter}; {@code top} biggest keys are listed; {@code rate}
 * bounds the keys read per second (0: no bound) and {@code scanCount} is SCAN's COUNT.
 */
public record AnalysisSettings(long sample, boolean full, String delimiter, int depth, int top, long rate, int scanCount) {
    public static final long DEFAULT_SAMPLE = 10_000;
    public static final int NAMESPACES_SHOWN = 15;

    public AnalysisSettings {
        if (sample < 1) {
            throw new IllegalArgumentException("--sample must be at least 1");
        }
        if (delimiter == null || delimiter.isEmpty()) {
            throw new IllegalArgumentException("--delimiter must not be empty");
        }
        if (depth < 1) {
            throw new IllegalArgumentException("--depth must be at least 1");
        }
        if (top < 0) {
            throw new IllegalArgumentException("--top must not be negative");
        }
        if (rate < 0) {
            throw new IllegalArgumentException("--rate must not be negative (0, the default: no limit)");
        }
    }

    /** How many keys of a server's db holding {@code keys} of {@code total} to read. */
    long quota(long keys, long total) {
        if (full || total <= sample) {
            return keys;
        }
        return Math.min(keys, Math.max(1, Math.round((double) sample * keys / total)));
    }
}
