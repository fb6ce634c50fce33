package dev.cachectl.bench;

/**
 * What a benchmark needs from the server it drives, so that another engine can be measured by the
 * same service: a view of its counters, the safety checks, clean-up, and the load itself. An engine
 * hands out its targets through its {@link Bench}.
 */
public interface BenchTarget extends AutoCloseable {

    /** The target as the report names it. */
    String label();

    ServerView view();

    /** The servers the load is spread over (one, or a cluster's masters), as host:port. */
    java.util.List<String> nodes();

    /** Why the target must not be written to (it is a replica), or null. */
    String refusal();

    /** Keys the target holds under {@code prefix}. */
    long keysUnder(String prefix);

    /**
     * Deletes the keys {@code workload} could have written (its prefix and an index below its key count), and no
     * other key under the prefix, on every server that answers.
     */
    Cleanup delete(Workload workload);

    /** What a clean-up removed, and the servers (host:port) it could not reach, whose bench keys are left. */
    record Cleanup(long removed, java.util.List<String> unreachable) {
    }

    /** Runs {@code workload} shaped by {@code shape} into {@code run}'s measurements; returns when done or stopped. */
    void drive(Workload workload, LoadShape shape, LoadRun run);

    /** The threads that measure a run of {@code shape}, each into its own {@link LoadRun} stats: the I/O threads. */
    default int workers(LoadShape shape) {
        return shape.threads();
    }

    /** How the preload writes every one of {@code keys} keys: a few connections, each sending many SETs at once. */
    default LoadShape preloadShape(LoadShape shape, int keys) {
        return new LoadShape(Math.min(shape.clients(), 16), Math.min(shape.threads(), 2), 64, keys, null,
                java.time.Duration.ZERO, 0);
    }

    /**
     * The warning when the client used {@code cpuPercent} (of one core) in a closed-loop run of {@code shape}, so much
     * that it, not the server, may have set the pace; null when it did not.
     */
    default String clientBound(double cpuPercent, LoadShape shape) {
        if (cpuPercent < BenchService.CLIENT_BOUND_CPU * shape.threads()) {
            return null;
        }
        return "the client used " + cpuPercent + "% CPU with " + shape.threads() + " I/O thread"
                + (shape.threads() == 1 ? "" : "s") + ": it, not the server, may be the bottleneck (try more --threads"
                + " or another machine for the client)";
    }

    @Override
    void close();
}
