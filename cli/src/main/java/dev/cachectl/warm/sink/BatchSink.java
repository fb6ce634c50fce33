package dev.cachectl.warm.sink;

import dev.cachectl.warm.WriteOp;

import java.util.List;
import java.util.function.Consumer;

/**
 * Where one writer thread sends its batches: a pipelined connection to a Redis server, a Redis
 * Cluster pipeline, or nothing (a dry run). One sink per thread; sinks are not shared.
 */
public interface BatchSink extends AutoCloseable {

    /**
     * Sends the ops (with NX semantics when {@code nx}); {@code done} learns how each went, batch by
     * batch in the order sent, maybe on another thread. May block while earlier batches await replies.
     * When the connection breaks, the outcome says so and the ops not answered count as unconfirmed.
     */
    void send(List<WriteOp> ops, boolean nx, Consumer<BatchResult> done);

    /** Returns once every batch sent has been reported to its {@code done}. */
    void drain();

    @Override
    void close();
}
