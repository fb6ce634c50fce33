package dev.cachectl.bench;

import dev.cachectl.CachectlException;

import java.time.Duration;

/**
 * How hard and how long a run drives the server: connections, I/O threads, pipeline depth, an
 * operation count and/or a duration (whichever ends first), a warm-up that is run but not counted,
 * and for an open loop the rate operations are scheduled at (0: closed loop, as fast as replies come).
 */
public record LoadShape(int clients, int threads, int pipeline, long requests, Duration duration, Duration warmup,
                        double rate) {

    public LoadShape {
        if (clients < 1 || clients > 10_000) {
            throw CachectlException.usage("--clients must be between 1 and 10000 (got " + clients + ")");
        }
        if (threads < 1 || threads > 256) {
            throw CachectlException.usage("--threads must be between 1 and 256 (got " + threads + ")");
        }
        if (pipeline < 1 || pipeline > 10_000) {
            throw CachectlException.usage("--pipeline must be between 1 and 10000 (got " + pipeline + ")");
        }
        if (requests < 0) {
            throw CachectlException.usage("--requests must be 0 or more (got " + requests + ")");
        }
        if (requests == 0 && duration == null) {
            throw CachectlException.usage("--requests 0 would run until killed: give --requests above 0, or a --duration");
        }
        if (duration != null && (duration.isZero() || duration.isNegative())) {
            throw CachectlException.usage("--duration must be above 0, e.g. 30s");
        }
        if (rate < 0) {
            throw CachectlException.usage("--rate must be above 0 operations per second (got " + rate + ")");
        }
        threads = Math.min(threads, clients);
    }

    /** The typed {@code --rate}: none is a closed loop (0 here); 0 or less is refused rather than read as "unlimited". */
    public static double rate(Double typed) {
        if (typed == null) {
            return 0;
        }
        if (!(typed > 0)) {
            throw CachectlException.usage("--rate must be above 0 operations per second (got " + typed
                    + "); leave it out for a closed loop, as fast as replies come");
        }
        return typed;
    }

    public boolean openLoop() {
        return rate > 0;
    }
}
