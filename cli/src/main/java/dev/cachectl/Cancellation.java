package dev.cachectl;

import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;

/**
 * One run's cancellation token. The front door creates one per command; whatever stands for the
 * outside world (the process's signals in {@code main}, the shell's terminal, a test) requests it by
 * {@link #signal}. A long job registers what stops it with {@link #onCancel} (or polls
 * {@link #isCancelled}); {@code run} passes each signal on to its child with {@link #onSignal}.
 * While nothing is registered the outside world is not watched, so a signal has its default effect.
 */
public final class Cancellation {

    /**
     * What a request means to whoever sent it: the first stops the job; a repeated one asks to end at once, unless the
     * job is undoing what it started ({@link #onCancelUndoing}), which is never cut short (DEFERRED).
     */
    public enum Request { FIRST, REPEATED, PASSED_ON, DEFERRED }

    /** Starts watching the outside world for this token (e.g. installs signal handlers) until closed. */
    public interface Source {
        /** Nothing outside: only code cancels. */
        Source NONE = token -> () -> { };

        Registration watch(Cancellation token);

        /**
         * The same source, leaving {@code signal} ("INT") to someone else (a shell's terminal delivers its own
         * Ctrl-C); a source that watches none of the process's signals is unchanged.
         */
        default Source without(String signal) {
            return this;
        }
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
    private final Set<String> received = new CopyOnWriteArraySet<>();
    private Registration watching;
    private int registered;
    private final java.util.concurrent.atomic.AtomicInteger undoing = new java.util.concurrent.atomic.AtomicInteger();

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

    /** The signals requested so far, by name ("TERM"), the first first: whoever runs the job may have to end too. */
    public Set<String> received() {
        return Collections.unmodifiableSet(received);
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

    /**
     * Like {@link #onCancel}, for a job that, once stopped, must undo what it did before it ends (a start stops the
     * servers it launched and removes their state): until closed, a repeated request is {@link Request#DEFERRED}
     * rather than an exit at once, so that nothing it launched is left behind. The job must stop promptly.
     */
    public Registration onCancelUndoing(Consumer<String> stop) {
        undoing.incrementAndGet();
        Registration registration = onCancel(stop);
        boolean[] closed = {false};
        return () -> {
            synchronized (closed) {
                if (!closed[0]) {
                    closed[0] = true;
                    undoing.decrementAndGet();
                }
            }
            registration.close();
        };
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
        received.add(name);
        boolean first = mark("interrupted by SIG" + name);
        if (!forwards.isEmpty()) {
            forwards.forEach(f -> f.accept(name));
            return Request.PASSED_ON;
        }
        if (first) {
            stops.forEach(s -> s.accept(reason));
            return Request.FIRST;
        }
        return undoing.get() > 0 ? Request.DEFERRED : Request.REPEATED;
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
