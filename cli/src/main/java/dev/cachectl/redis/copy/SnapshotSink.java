package dev.cachectl.redis.copy;

import java.util.List;

/**
 * Where a snapshot copy writes: a pipe to a standalone target or a cluster pipeline. A sink tells
 * {@link SnapshotOutcomes} how each entry went, maybe on another thread.
 */
interface SnapshotSink extends AutoCloseable {

    /** Writes the batch; may block while earlier batches await their replies. */
    void write(List<SnapshotEntry> batch) throws InterruptedException;

    /** Returns once every batch written has been answered. */
    void drain();

    @Override
    void close();
}
