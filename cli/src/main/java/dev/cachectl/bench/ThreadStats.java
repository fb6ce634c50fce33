package dev.cachectl.bench;

import org.HdrHistogram.Histogram;

/**
 * What one I/O thread measured: latency per command (from the intended start, which in a closed loop
 * is the send), service time per command (from the actual send), GET hits and misses, errors. Owned
 * by its thread while the run lasts; {@link #completed} and {@link #errors} are read live for progress.
 */
final class ThreadStats {
    static final long LOWEST_US = 1;
    static final long HIGHEST_US = 60_000_000;

    final Histogram[] latency = {histogram(), histogram()};
    final Histogram[] service = {histogram(), histogram()};
    final long[] perNode;
    long redirects;
    long hits;
    long misses;
    String firstError;
    volatile long completed;
    volatile long errors;

    ThreadStats(int nodes) {
        perNode = new long[nodes];
    }

    static Histogram histogram() {
        return new Histogram(LOWEST_US, HIGHEST_US, 3);
    }

    /** A latency as the histograms hold it: microseconds, within their range. */
    static long micros(long nanos) {
        return Math.min(HIGHEST_US, Math.max(0, nanos / 1000));
    }
}
