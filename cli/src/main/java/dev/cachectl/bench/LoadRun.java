package dev.cachectl.bench;

/**
 * One run shared by its I/O threads: the clock marks (start, when measuring begins, when sending
 * ends), the stop flag an interrupt or a lost connection raises, and each thread's measurements.
 * Only this package reads and records them: an engine's target passes the run on to a loop of this package.
 */
public final class LoadRun {
    final long startNanos;
    final long measureFromNanos;
    final long endNanos;
    final ThreadStats[] stats;
    private volatile boolean stopped;
    private volatile String failure;

    LoadRun(LoadShape shape, int threads, int nodes) {
        startNanos = System.nanoTime();
        measureFromNanos = startNanos + shape.warmup().toNanos();
        endNanos = shape.duration() == null ? Long.MAX_VALUE : measureFromNanos + shape.duration().toNanos();
        stats = new ThreadStats[threads];
        for (int i = 0; i < threads; i++) {
            stats[i] = new ThreadStats(nodes);
        }
    }

    /** Starts {@code threads} and returns once each has ended; an interrupt meanwhile stops the run (and is kept). */
    void runAll(java.util.List<Thread> threads) {
        threads.forEach(Thread::start);
        boolean interrupted = false;
        for (Thread t : threads) {
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                    stop();
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    void stop() {
        stopped = true;
    }

    boolean stopped() {
        return stopped;
    }

    /** The first failure wins; every thread stops sending. */
    synchronized void fail(String why) {
        if (failure == null) {
            failure = why;
        }
        stopped = true;
    }

    String failure() {
        return failure;
    }

    long completed() {
        long sum = 0;
        for (ThreadStats s : stats) {
            sum += s.completed;
        }
        return sum;
    }

    long errors() {
        long sum = 0;
        for (ThreadStats s : stats) {
            sum += s.errors;
        }
        return sum;
    }
}
