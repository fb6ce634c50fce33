package dev.cachectl.status.live;

import dev.cachectl.status.StatusReport;

/** Where {@code status --watch} shows each sample: a full-screen view on a terminal, log lines elsewhere. */
public interface WatchView extends AutoCloseable {

    void show(StatusReport report);

    /**
     * Waits up to {@code millis} for the next sample, handling what the user types meanwhile;
     * false once the watch should end (the user quit, or {@link Watch#stop} was called).
     */
    boolean await(long millis) throws InterruptedException;

    /** Ends the wait at once; {@link #await} returns false from now on. */
    void stop();

    /** Gives the terminal back as it was. */
    @Override
    void close();
}
