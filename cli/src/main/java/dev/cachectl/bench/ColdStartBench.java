package dev.cachectl.bench;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.config.Endpoint;
import dev.cachectl.lifecycle.InstanceSpec;
import dev.cachectl.lifecycle.Lifecycle;
import dev.cachectl.lifecycle.TemporaryInstance;
import dev.cachectl.redis.RedisClients;
import redis.clients.jedis.Jedis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code bench --mode cold-start}: what starting a cache on demand costs and when it pays off. N
 * times: start a temporary managed instance (timed to its first PONG, which is when a start
 * returns), then a fresh client's first answered command; stop it. Then a GET's latency on the cache
 * against the backend's (a given latency, or measured on a Redis), and the break-even number of
 * operations: start time divided by the latency saved per operation.
 */
public final class ColdStartBench {
    private static final int SAMPLES = 1000;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    public record Start(int start, double toFirstPongMs, double toFirstCommandMs) {
    }

    /**
     * {@code outcome} is {@code interrupted} (Ctrl-C) with the starts measured before; the figures not measured by then
     * (the cache's and the backend's latency, what follows from them, the median without any start) are null.
     */
    public record Report(String outcome, String mode, List<Start> starts, Double medianToFirstCommandMs,
                         Double cacheLatencyMs, String backend, Double backendLatencyMs, Double savedPerOpMs,
                         Long breakEvenOps) {
    }

    private final Lifecycle lifecycle;
    private volatile boolean cancelled;

    public ColdStartBench(Lifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    /** Stops the run (Ctrl-C): no further start; the starts measured so far are reported. */
    public void cancel(String why) {
        cancelled = true;
    }

    /** {@code backend}: a Redis to measure, or null to take {@code backendLatency} as given. */
    public Report run(int starts, Duration backendLatency, Endpoint backend, String backendLabel) {
        if (starts < 1 || starts > 100) {
            throw CachectlException.usage("--starts must be between 1 and 100 (got " + starts + ")");
        }
        List<Start> measured = new ArrayList<>();
        Double cacheLatency = null;
        for (int i = 1; i <= starts && !cancelled; i++) {
            String name = "bench-cold-" + ProcessHandle.current().pid() + "-" + i;
            long t0 = System.nanoTime();
            try (TemporaryInstance instance = lifecycle.startTemporary(InstanceSpec.defaults(name), "bench --mode cold-start")) {
                long pong = System.nanoTime();
                try (Jedis client = RedisClients.open(instance.started().endpoint(), TIMEOUT)) {
                    client.get("bench:cold");
                    long first = System.nanoTime();
                    measured.add(new Start(i, ms(pong - t0), ms(first - t0)));
                    if (i == starts) {
                        client.set("bench:cold", "x".repeat(100));
                        cacheLatency = medianGetMs(client);
                    }
                }
            } catch (CachectlException e) {
                if (e.exitCode() != ExitCode.INTERRUPTED || !cancelled) {
                    throw e;
                }
                // this start was interrupted, and what it launched removed: the starts before it are reported
            }
        }
        String backendName = backend != null ? backendLabel : backendLatency.toMillis() + "ms (given)";
        Double backendMs = cancelled ? null : backendMs(backendLatency, backend);
        Double median = null;
        if (!measured.isEmpty()) {
            double[] firsts = measured.stream().mapToDouble(Start::toFirstCommandMs).sorted().toArray();
            int middle = firsts.length / 2;
            median = round(firsts.length % 2 == 1 ? firsts[middle] : (firsts[middle - 1] + firsts[middle]) / 2);
        }
        Double saved = backendMs == null || cacheLatency == null ? null : round(backendMs - cacheLatency);
        Long breakEven = saved != null && saved > 0 && median != null ? (long) Math.ceil(median / saved) : null;
        return new Report(cancelled ? "interrupted" : "completed", "cold-start", measured, median,
                cacheLatency == null ? null : round(cacheLatency), backendName, backendMs == null ? null : round(backendMs), saved,
                breakEven);
    }

    private static double backendMs(Duration backendLatency, Endpoint backend) {
        if (backend == null) {
            return backendLatency.toNanos() / 1e6;
        }
        try (Jedis client = RedisClients.open(backend, TIMEOUT)) {
            return medianGetMs(client);
        }
    }

    /** The median of {@link #SAMPLES} round trips of a GET, one after the other. */
    private static double medianGetMs(Jedis client) {
        long[] samples = new long[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            long t = System.nanoTime();
            client.get("bench:cold");
            samples[i] = System.nanoTime() - t;
        }
        Arrays.sort(samples);
        return samples[SAMPLES / 2] / 1e6;
    }

    private static double ms(long nanos) {
        return round(nanos / 1e6);
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
