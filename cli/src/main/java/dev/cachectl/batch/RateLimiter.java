package dev.cachectl.batch;

import java.util.function.BooleanSupplier;

/**
 * Caps throughput at a number of items per second, shared by all workers of a job. Workers ask
 * for a whole batch at once; the limiter keeps a schedule of when the next item may go and
 * sleeps the caller until then, so bursts never exceed one batch.
 */
public final class RateLimiter {
    /** The longest a cancellable wait sleeps before it looks again whether the job is stopping. */
    private static final long SLICE_NANOS = 100_000_000;

    private final double nanosPerItem;
    private long nextFree = System.nanoTime();

    private RateLimiter(long perSecond) {
        this.nanosPerItem = perSecond <= 0 ? 0 : 1e9 / perSecond;
    }

    /** A limiter for {@code perSecond} items a second; 0 or less means no limit. */
    public static RateLimiter perSecond(long perSecond) {
        return new RateLimiter(perSecond);
    }

    /**
     * The batch to use under {@code perSecond} (0: no limit): at most a tenth of a second's worth, at
     * least 1, so the pace stays even instead of bursty and a batch's wait stays short.
     */
    public static int paced(int batch, long perSecond) {
        return perSecond > 0 ? (int) Math.max(1, Math.min(batch, perSecond / 10)) : batch;
    }

    public void acquire(int items) throws InterruptedException {
        long wait = reserve(items);
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    /**
     * As {@link #acquire(int)}, but the wait looks at {@code stop} every 100 ms at most and ends when it
     * says so: false then, and the caller sends nothing (a job being cancelled does not wait out its turn).
     */
    public boolean acquire(int items, BooleanSupplier stop) throws InterruptedException {
        long until = System.nanoTime() + reserve(items);
        long left;
        while ((left = until - System.nanoTime()) > 0) {
            if (stop.getAsBoolean()) {
                return false;
            }
            long slice = Math.min(left, SLICE_NANOS);
            Thread.sleep(slice / 1_000_000, (int) (slice % 1_000_000));
        }
        return !stop.getAsBoolean();
    }

    /** Books {@code items} on the schedule; how long the caller must wait for its turn, in nanoseconds. */
    private long reserve(int items) {
        if (nanosPerItem == 0) {
            return 0;
        }
        synchronized (this) {
            long now = System.nanoTime();
            long start = Math.max(now, nextFree);
            nextFree = start + (long) (items * nanosPerItem);
            return start - now;
        }
    }
}
