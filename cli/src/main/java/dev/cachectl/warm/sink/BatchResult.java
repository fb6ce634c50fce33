package dev.cachectl.warm.sink;

import dev.cachectl.warm.WriteOp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
    /**
     * Keyspace {hits, misses} the writes' own lookups caused (the EXISTS of a hash written with NX), by server
     * "host:port": Redis counts them as if a client had read the key.
     */
    public final Map<String, long[]> lookups = new HashMap<>();

    public record Failure(long line, String error) {
    }

    void failed(WriteOp op, String error) {
        failures.add(new Failure(op.line(), error));
    }

    void lookedUp(String server, boolean hit) {
        lookups.computeIfAbsent(server, s -> new long[2])[hit ? 0 : 1]++;
    }

    int answered() {
        return written + skipped + failures.size();
    }
}
