package dev.cachectl.status.live;

import dev.cachectl.status.StatusService;

import java.time.Duration;

/**
 * {@code status --watch}: samples the same instances every interval (all at once) and shows each
 * sample, with hit ratio and ops/s over the interval, until the user quits or a signal stops it.
 */
public final class Watch {
    private final StatusService.Session session;
    private final Duration interval;
    private final WatchView view;

    public Watch(StatusService.Session session, Duration interval, WatchView view) {
        this.session = session;
        this.interval = interval;
        this.view = view;
    }

    /** Runs until the view says to stop; the first sample is shown at once, its rates since the server started. */
    public void run() throws InterruptedException {
        session.sample();
        view.show(session.report());
        long next = System.nanoTime() + interval.toNanos();
        while (view.await(Math.max(0, (next - System.nanoTime()) / 1_000_000))) {
            if (System.nanoTime() < next) {
                continue; // the view handled a key and redrew; the interval is not over
            }
            session.sample();
            view.show(session.report());
            next += interval.toNanos();
            if (next < System.nanoTime()) {
                next = System.nanoTime() + interval.toNanos(); // sampling took longer than the interval: no catching up
            }
        }
    }

    /** From a signal handler: ends the watch after the sample in hand. */
    public void stop() {
        view.stop();
    }
}
