package dev.cachectl.migrate;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Where one unit stands: batches are numbered as they are read and acknowledged in any order by the
 * writers; the resume token advances only over a gap-free prefix, so it always names the item up to
 * which everything is on the target.
 */
final class UnitProgress {
    final CopyUnit unit;
    private String token;
    private boolean done;
    private long issued;
    private long ackedThrough = -1;
    private final Map<Long, String> pending = new HashMap<>();
    private final TreeSet<Long> ackedAhead = new TreeSet<>();
    private boolean readAll;
    final java.util.concurrent.atomic.AtomicLong copied = new java.util.concurrent.atomic.AtomicLong();
    final java.util.concurrent.atomic.AtomicLong skipped = new java.util.concurrent.atomic.AtomicLong();
    final java.util.concurrent.atomic.AtomicLong failed = new java.util.concurrent.atomic.AtomicLong();

    UnitProgress(CopyUnit unit, String token, boolean done) {
        this.unit = unit;
        this.token = token;
        this.done = done;
    }

    synchronized long issue(String lastToken) {
        pending.put(issued, lastToken);
        return issued++;
    }

    synchronized void acknowledge(long seq) {
        ackedAhead.add(seq);
        while (ackedAhead.remove(ackedThrough + 1)) {
            ackedThrough++;
            token = pending.remove(ackedThrough);
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
        return new UnitCheckpoint.Unit(unit.name(), token == null ? "" : token, done);
    }
}
