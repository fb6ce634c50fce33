package dev.cachectl.warm;

import dev.cachectl.warm.sink.BatchResult;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counts of one run, kept by every writer thread at once, with the first few errors by line
 * number, and the reason the run stopped early if it did (the first reason wins).
 */
final class Tally {
    static final int ERRORS_KEPT = 10;

    final LongAdder read = new LongAdder();
    final LongAdder written = new LongAdder();
    final LongAdder skipped = new LongAdder();
    final LongAdder malformed = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder unconfirmed = new LongAdder();
    /** Part of {@code failed}: records never sent because the connection had broken; they have no error entry. */
    final LongAdder notSent = new LongAdder();
    private final long maxErrors;
    private final TreeMap<Long, String> errors = new TreeMap<>();
    private final List<String> otherErrors = new ArrayList<>();
    private final Map<String, long[]> lookups = new HashMap<>();
    private volatile String stopReason;
    private volatile String sourceFailure;
    private volatile Throwable cause;
    private volatile boolean interrupted;
    private volatile boolean halted;
    private volatile boolean overLimit;
    private volatile boolean targetLost;

    Tally(long maxErrors) {
        this.maxErrors = maxErrors;
    }

    /** Counted in input order, so that the one that goes past --max-errors is known: true for it (and any after it). */
    boolean malformed(long line, String reason) {
        malformed.increment();
        error(line, reason);
        return overLimit;
    }

    void add(BatchResult result) {
        written.add(result.written);
        skipped.add(result.skipped);
        for (BatchResult.Failure f : result.failures) {
            failed.increment();
            error(f.line(), f.error());
        }
        if (!result.lookups.isEmpty()) {
            synchronized (this) {
                result.lookups.forEach((server, hm) -> {
                    long[] sum = lookups.computeIfAbsent(server, s -> new long[2]);
                    sum[0] += hm[0];
                    sum[1] += hm[1];
                });
            }
        }
        if (result.lost != null) {
            targetLost = true;
            lost(result.lost, result.unconfirmed);
            failed.add(result.notSent);
            notSent.add(result.notSent);
        }
    }

    /** Records taken from the source after the run halted: read, and failed as not sent. */
    void notSent(int records) {
        read.add(records);
        failed.add(records);
        notSent.add(records);
    }

    /** One write the server refused, outside a batch result (a key copy); line 0 when there is none. */
    void failed(long line, String error) {
        failed.increment();
        error(line, error);
    }

    /** The connection broke: {@code count} ops were sent but never answered. */
    void lost(String reason, int count) {
        failed.add(count);
        unconfirmed.add(count);
        stop(reason);
    }

    void stop(String reason) {
        halted = true;
        settle(reason);
    }

    /** Stopped by a failure that {@code cause} raised: --verbose shows its stack trace. */
    void stop(String reason, Throwable cause) {
        causedBy(cause);
        stop(reason);
    }

    /** What raised the failure that stopped the run or ended its source, for --verbose; the first one given counts. */
    void causedBy(Throwable cause) {
        synchronized (this) {
            if (this.cause == null) {
                this.cause = cause;
            }
        }
    }

    Throwable cause() {
        return cause;
    }

    private void settle(String reason) {
        synchronized (this) {
            if (stopReason == null) {
                stopReason = reason;
            }
        }
    }

    boolean stopped() {
        return stopReason != null;
    }

    /** Stopped by something other than Ctrl-C or SIGTERM: what was read and not yet handed on is not written either. */
    boolean halted() {
        return halted;
    }

    /** More malformed or failed records than --max-errors allows: no record after the one that went past is written. */
    boolean overLimit() {
        return overLimit;
    }

    /**
     * The source failed after some records (a truncated file, a lost database): the run does not stop, what was
     * read before the failure is written all the same, but it is not complete, and the failure is its reason.
     */
    void sourceFailed(String reason, Throwable cause) {
        causedBy(cause);
        synchronized (this) {
            if (sourceFailure == null) {
                sourceFailure = reason;
            }
        }
    }

    /** Stopped early, or its source ended in a failure. */
    boolean incomplete() {
        return stopReason != null || sourceFailure != null;
    }

    /** Stopped by Ctrl-C or SIGTERM, not by a failure: the run exits 130, once what was read is written. */
    void interrupt(String reason) {
        interrupted = true;
        settle(reason);
    }

    boolean interrupted() {
        return interrupted;
    }

    /** A lane lost its connection to the target (a server or cluster node that died or stopped answering). */
    boolean targetLost() {
        return targetLost;
    }

    String stopReason() {
        return stopReason != null ? stopReason : sourceFailure;
    }

    private void error(long line, String message) {
        synchronized (this) {
            if (line > 0) {
                errors.put(line, message);
                if (errors.size() > ERRORS_KEPT) {
                    errors.pollLastEntry();
                }
            } else if (otherErrors.size() < ERRORS_KEPT) {
                otherErrors.add(message);
            }
        }
        if (maxErrors >= 0 && malformed.sum() + failed.sum() - unconfirmed.sum() > maxErrors) {
            overLimit = true;
            stop("stopped after more than " + maxErrors + " malformed or failed record" + (maxErrors == 1 ? "" : "s")
                    + " (--max-errors " + maxErrors + ")");
        }
    }

    /** Keyspace {hits, misses} the run's own lookups caused, by server "host:port" (see {@link BatchResult#lookups}). */
    synchronized Map<String, long[]> lookups() {
        Map<String, long[]> copy = new HashMap<>();
        lookups.forEach((server, hm) -> copy.put(server, hm.clone()));
        return copy;
    }

    synchronized List<WarmSummary.RecordError> errors() {
        List<WarmSummary.RecordError> list = new ArrayList<>();
        for (Map.Entry<Long, String> e : errors.entrySet()) {
            list.add(new WarmSummary.RecordError(e.getKey(), e.getValue()));
        }
        otherErrors.forEach(m -> list.add(new WarmSummary.RecordError(null, m)));
        return list;
    }
}
