package dev.cachectl.migrate;

import java.time.Duration;

/**
 * How long a migrate waits for a server (source or target, any node of a cluster) to answer before it
 * gives up on it: {@code --timeout}. Every wait of the copy derives from {@code reply}, so none outlasts
 * what the operator asked for by more than the snapshot's allowance.
 *
 * @param reply the longest wait for a reply, and for a connection to open
 */
public record Timeouts(Duration reply) {
    /** What {@code --timeout} is when not given. */
    public static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(30));
    /** Quick checks (a version, a run id, a db count) give up sooner than a copy's command. */
    private static final Duration QUICK = Duration.ofSeconds(5);

    public Timeouts {
        if (reply == null || reply.isZero() || reply.isNegative()) {
            throw new IllegalArgumentException("--timeout takes a positive duration, e.g. 30s");
        }
    }

    /**
     * A snapshot's link and its writers: twice {@link #reply}. A target writing a pipeline of big values
     * (and a source still saving its snapshot) takes longer to answer than one command does.
     */
    public Duration snapshot() {
        return reply.multipliedBy(2);
    }

    /** {@code usual}, or {@link #reply} when that is shorter: a check never waits longer than a command would. */
    public Duration atMost(Duration usual) {
        return usual.compareTo(reply) <= 0 ? usual : reply;
    }

    /** For quick checks and for opening a connection: 5 s, or {@link #reply} when shorter. */
    public Duration quick() {
        return atMost(QUICK);
    }
}
