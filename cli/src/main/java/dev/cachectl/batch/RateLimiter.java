package dev.cachectl.batch;

/**
 * Caps throughput at a number of items per second, shared by all workers of a job. Workers ask
 * for a whole batch at once; the limiter keeps a schedule of when the next item may go and
 * sleeps the caller until then, so bursts never exceed one batch.
 */
public final class RateLimiter {
    private final double nanosPerItem;
    private long nextFree = System.nanoTime();

    private RateLimiter(long perSecond) {
        this.nanosPerItem = perSecond <= 0 ? 0 : 1e9 / perSecond;
    }

    /** A limiter for {@code perSecond} items a second; 0 or less means no limit. */
    public static RateLimiter perSecond(long perSecond) {
        return new RateLimiter(perSecond);
    }

    public void acquire(int items) throws InterruptedException {
        if (nanosPerItem == 0) {
            return;
        }
        long wait;
        synchronized (this) {
            long now = System.nanoTime();
            long start = Math.max(now, nextFree);
            nextFree = start + (long) (items * nanosPerItem);
            wait = start - now;
        }
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }
}
