package dev.cachectl.warm.sink;

import dev.cachectl.warm.WriteOp;

import java.util.ArrayList;
import java.util.List;

/**
 * How the ops of one batch went: written, skipped (the key existed under NX), failed with the
 * server's error, or, when the connection broke, unconfirmed (sent, never answered) or not sent.
 */
public final class BatchResult {
    public int written;
    public int skipped;
    public final List<Failure> failures = new ArrayList<>();
    public int unconfirmed;
    public int notSent;
    /** Why the connection is gone, or null. */
    public String lost;

    public record Failure(long line, String error) {
    }

    void failed(WriteOp op, String error) {
        failures.add(new Failure(op.line(), error));
    }

    int answered() {
        return written + skipped + failures.size();
    }
}
