package dev.cachectl.bench;

/**
 * What a benchmark needs from the server it drives, so that another engine can be measured by the
 * same service: a view of its counters, the safety checks, clean-up, and the load itself.
 */
interface BenchTarget extends AutoCloseable {

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

    @Override
    void close();
}
