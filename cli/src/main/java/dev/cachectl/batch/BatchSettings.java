package dev.cachectl.batch;

/**
 * How a bulk job (warm, migrate) writes: items per pipelined batch, worker threads, a ceiling
 * in items per second (0 = none), and whether to only report what it would do.
 */
public record BatchSettings(int batch, int threads, long ratePerSecond, boolean dryRun) {

    public BatchSettings {
        if (batch < 1) {
            throw new IllegalArgumentException("--batch must be at least 1");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1");
        }
        if (ratePerSecond < 0) {
            throw new IllegalArgumentException("--rate must not be negative");
        }
    }
}
