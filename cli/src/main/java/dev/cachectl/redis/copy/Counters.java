package dev.cachectl.redis.copy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Running totals of a migration, updated by every worker. */
final class Counters {
    final LongAdder scanned = new LongAdder();
    final LongAdder copied = new LongAdder();
    final LongAdder skippedExisting = new LongAdder();
    final LongAdder expired = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder bytes = new LongAdder();
    final LongAdder typeCopies = new LongAdder();
    final LongAdder bigKeys = new LongAdder();
    final LongAdder deletedFromSource = new LongAdder();
    /** Failure reasons with a count and one example key each, for the summary. */
    final Map<String, Reason> reasons = new ConcurrentHashMap<>();
    /** What a type copy could not carry (stream PELs, module types), one line each. */
    final Map<String, AtomicLong> notCarried = new ConcurrentHashMap<>();

    /** Keyspace hits [0] and misses [1] this run's own reads caused, per source node address (see {@link dev.cachectl.redis.OwnReads}). */
    final Map<String, LongAdder[]> ownReads = new ConcurrentHashMap<>();

    record Reason(AtomicLong count, String exampleKey) {
    }

    record Snapshot(long scanned, long copied, long skippedExisting, long expired, long failed, long bytes) {
        static Snapshot zero() {
            return new Snapshot(0, 0, 0, 0, 0, 0);
        }
    }

    void fail(String reason, String key) {
        failed.increment();
        reasons.computeIfAbsent(reason, r -> new Reason(new AtomicLong(), key)).count().incrementAndGet();
    }

    /** One lookup on {@code node} by cachectl itself: a hit when it found the key, else a miss. */
    void ownRead(String node, boolean found) {
        ownReads.computeIfAbsent(node, n -> new LongAdder[] {new LongAdder(), new LongAdder()})[found ? 0 : 1].increment();
    }

    void notCarried(String what) {
        notCarried.computeIfAbsent(what, w -> new AtomicLong()).incrementAndGet();
    }

    Snapshot snapshot(Snapshot base) {
        return new Snapshot(base.scanned() + scanned.sum(), base.copied() + copied.sum(),
                base.skippedExisting() + skippedExisting.sum(), base.expired() + expired.sum(),
                base.failed() + failed.sum(), base.bytes() + bytes.sum());
    }

    Map<String, Long> failureReasons() {
        Map<String, Long> out = new LinkedHashMap<>();
        reasons.forEach((reason, r) -> out.put(reason + " (e.g. key " + r.exampleKey() + ")", r.count().get()));
        return out;
    }
}
