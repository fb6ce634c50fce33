package dev.cachectl.warm.sink;

import dev.cachectl.warm.WriteOp;

import java.util.List;
import java.util.function.Consumer;

/**
 * One lane of a warm's writes (see {@link Lanes}): a pipelined connection to a Redis server, a Redis
 * Cluster pipeline, or nothing (a dry run). Its batches are sent one at a time, in input order, by
 * the lane's own thread; what the target applies follows that order.
 */
public interface BatchSink extends AutoCloseable {

    /**
     * Sends the ops (with NX semantics when {@code nx}); {@code done} learns how each went, batch by
     * batch in the order sent, maybe on another thread. May block while earlier batches await replies.
     * When the connection breaks, the outcome says so: the ops sent but not answered count as unconfirmed,
     * those never sent (in this batch or, the connection being gone, a later one) as not sent.
     */
    void send(List<WriteOp> ops, boolean nx, Consumer<BatchResult> done);

    /** What broke the connection, once it is lost (as a batch's outcome said), for --verbose; null while it works. */
    default Throwable lostCause() {
        return null;
    }

    /** Returns once every batch sent has been reported to its {@code done}, then lets go of the connection. */
    @Override
    void close();
}
