package dev.cachectl;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * One run's cancellation token. The front door creates one per command; whatever stands for the
 * outside world (the process's signals in {@code main}, the shell's terminal, a test) requests it by
 * {@link #signal}. A long job registers what stops it with {@link #onCancel} (or polls
 * {@link #isCancelled}); {@code run} passes each signal on to its child with {@link #onSignal}.
 * While nothing is registered the outside world is not watched, so a signal has its default effect.
 */
public final class Cancellation {

    /** What a repeated request means to whoever sent it: a job that will not wait to wind down. */
    public enum Request { FIRST, REPEATED, PASSED_ON }

    /** Starts watching the outside world for this token (e.g. installs signal handlers) until closed. */
    public interface Source {
        /** Nothing outside: only code cancels. */
        Source NONE = token -> () -> { };

        Registration watch(Cancellation token);
    }

    /** Ends a registration; closing twice is harmless. */
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    private final Source source;
    private final List<Consumer<String>> stops = new CopyOnWriteArrayList<>();
    private final List<Consumer<String>> forwards = new CopyOnWriteArrayList<>();
    private volatile String reason;
    private Registration watching;
    private int registered;

    public Cancellation(Source source) {
        this.source = source;
    }

    /** A token that only {@link #signal} or {@link #cancel} in code can request (tests, nested runs). */
    public static Cancellation unwatched() {
        return new Cancellation(Source.NONE);
    }

    public boolean isCancelled() {
        return reason != null;
    }

    /** Why the run was cancelled, e.g. "interrupted by SIGINT"; null while it was not. */
    public String reason() {
        return reason;
    }

    /** Exit 130 with the reason, when cancelled. */
    public void throwIfCancelled() {
        String why = reason;
        if (why != null) {
            throw new CachectlException(ExitCode.INTERRUPTED, why);
        }
    }

    /**
     * Until the registration is closed, the first request calls {@code stop} with its reason (at once
     * if the run is already cancelled); the outside world is watched meanwhile.
     */
    public Registration onCancel(Consumer<String> stop) {
        return register(stops, stop);
    }

    /** Until closed, every signal is given to {@code forward} by name ("INT", "TERM", "HUP"), none escalates. */
    public Registration onSignal(Consumer<String> forward) {
        return register(forwards, forward);
    }

    /** Whether anything is registered: a request would reach a job that stops cleanly. */
    public boolean listened() {
        return !stops.isEmpty() || !forwards.isEmpty();
    }

    /** A signal by name ("INT"): the first cancels the run, a repeated one asks its sender to act. */
    public Request signal(String name) {
        boolean first = mark("interrupted by SIG" + name);
        if (!forwards.isEmpty()) {
            forwards.forEach(f -> f.accept(name));
            return Request.PASSED_ON;
        }
        if (first) {
            stops.forEach(s -> s.accept(reason));
            return Request.FIRST;
        }
        return Request.REPEATED;
    }

    /** Cancels for {@code why} (no signal involved). */
    public void cancel(String why) {
        if (mark(why)) {
            stops.forEach(s -> s.accept(why));
        }
    }

    private synchronized boolean mark(String why) {
        if (reason != null) {
            return false;
        }
        reason = why;
        return true;
    }

    private Registration register(List<Consumer<String>> list, Consumer<String> listener) {
        synchronized (this) {
            if (registered++ == 0) {
                watching = source.watch(this);
            }
        }
        list.add(listener);
        String why = reason;
        if (why != null && list == stops) {
            listener.accept(why);
        }
        boolean[] closed = {false};
        return () -> {
            synchronized (this) {
                if (closed[0]) {
                    return;
                }
                closed[0] = true;
                list.remove(listener);
                if (--registered == 0) {
                    watching.close();
                    watching = null;
                }
            }
        };
    }
}
