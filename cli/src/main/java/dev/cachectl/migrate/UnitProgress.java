package dev.cachectl.migrate;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where one unit stands: batches are numbered as they are read and acknowledged in any order by the
 * writers; the resume token advances only over a gap-free prefix, so it always names the item up to
 * which everything is on the target, and {@code written} counts the items up to it that the target
 * holds (copied or found there), for a resume to check that they still are.
 */
final class UnitProgress {
    final CopyUnit unit;
    private String token;
    private boolean done;
    private long issued;
    private long ackedThrough = -1;
    private final Map<Long, String> pending = new HashMap<>();
    /** Acknowledged batches beyond the gap-free prefix, with how many of their items the target holds. */
    private final TreeMap<Long, Long> ackedAhead = new TreeMap<>();
    /** Items up to the token that the target holds, over every run of the job; -1 when unknown (an older checkpoint). */
    private long written;
    private boolean readAll;
    final java.util.concurrent.atomic.AtomicLong copied = new java.util.concurrent.atomic.AtomicLong();
    final java.util.concurrent.atomic.AtomicLong skipped = new java.util.concurrent.atomic.AtomicLong();
    final java.util.concurrent.atomic.AtomicLong failed = new java.util.concurrent.atomic.AtomicLong();

    UnitProgress(CopyUnit unit, String token, boolean done, long written) {
        this.unit = unit;
        this.token = token;
        this.done = done;
        this.written = written;
    }

    synchronized long issue(String lastToken) {
        pending.put(issued, lastToken);
        return issued++;
    }

    /** Batch {@code seq} is acknowledged, {@code held} of its items now on the target. */
    synchronized void acknowledge(long seq, long held) {
        ackedAhead.put(seq, held);
        Long next;
        while ((next = ackedAhead.remove(ackedThrough + 1)) != null) {
            ackedThrough++;
            token = pending.remove(ackedThrough);
            written = written < 0 ? written : written + next;
        }
        settle();
    }

    synchronized void readAll() {
        readAll = true;
        settle();
    }

    private void settle() {
        if (readAll && pending.isEmpty()) {
            done = true;
        }
    }

    synchronized boolean done() {
        return done;
    }

    synchronized String token() {
        return token;
    }

    synchronized UnitCheckpoint.Unit checkpoint() {
        return new UnitCheckpoint.Unit(unit.name(), token == null ? "" : token, done, written);
    }
}
