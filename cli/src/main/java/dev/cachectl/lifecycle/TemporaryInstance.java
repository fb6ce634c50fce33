package dev.cachectl.lifecycle;

import dev.cachectl.Cancellation;

import java.time.Duration;

/**
 * A managed instance a command starts for its own use ({@link Lifecycle#startTemporary}): closing it stops
 * the server and deletes its folder, whatever point its start reached (nothing, a folder with only settings,
 * a server without state, a running server). Registered on the run's token before the start, so that a
 * repeated Ctrl-C waits for the removal instead of ending the process with the instance left behind.
 */
public final class TemporaryInstance implements AutoCloseable {
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final Lifecycle lifecycle;
    private final String name;
    /** Held while it is used: the supervisor stops it when this process dies without closing it (kill -9). */
    private final RunLease lease;
    private final Cancellation.Registration undoing;
    private StartResult started;
    private boolean closed;

    TemporaryInstance(Lifecycle lifecycle, String name, RunLease lease, Cancellation.Registration undoing) {
        this.lifecycle = lifecycle;
        this.name = name;
        this.lease = lease;
        this.undoing = undoing;
    }

    void started(StartResult result) {
        started = result;
    }

    public String name() {
        return name;
    }

    public StartResult started() {
        return started;
    }

    /** Stops and removes the instance, data and all; a failure to (a server that survives SIGKILL) is thrown. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        // stopping waits for the server to exit: an interrupted thread would give up and leave its state behind
        boolean interrupted = Thread.interrupted();
        try {
            lifecycle.removeTemporary(name, lease, STOP_TIMEOUT);
        } finally {
            undoing.close();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
