package dev.cachectl.batch;

/**
 * How a bulk job (warm, migrate) writes: items per pipelined batch, worker threads, a ceiling
 * in items per second (0 = none), and whether to only report what it would do.
 */
public record BatchSettings(int batch, int threads, long ratePerSecond, boolean dryRun) {
    /** More threads than this only queue for the same server, each with a connection of its own. */
    public static final int MOST_THREADS = 256;
    /** What {@code --batch} is when not given (the options' defaults, for their annotations too). */
    public static final int DEFAULT_BATCH = 500;
    /** What migrate's {@code --threads} is when not given (warm's depends on the machine: {@code WarmJobs}). */
    public static final int DEFAULT_THREADS = 4;

    public BatchSettings {
        if (batch < 1) {
            throw new IllegalArgumentException("--batch must be at least 1");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1");
        }
        if (threads > MOST_THREADS) {
            throw new IllegalArgumentException("--threads must be at most " + MOST_THREADS + " (it is " + threads + ")");
        }
        if (ratePerSecond < 0) {
            throw new IllegalArgumentException("--rate must not be negative");
        }
    }
}
