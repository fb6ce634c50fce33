package dev.cachectl.bench;

import dev.cachectl.CachectlException;
import dev.cachectl.config.Endpoint;
import dev.cachectl.lifecycle.InstanceRef;
import dev.cachectl.lifecycle.InstanceSpec;
import dev.cachectl.lifecycle.Lifecycle;
import dev.cachectl.lifecycle.StartResult;
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

    public record Report(String outcome, String mode, List<Start> starts, double medianToFirstCommandMs,
                         double cacheLatencyMs, String backend, double backendLatencyMs, double savedPerOpMs,
                         Long breakEvenOps) {
    }

    private final Lifecycle lifecycle;

    public ColdStartBench(Lifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    /** {@code backend}: a Redis to measure, or null to take {@code backendLatency} as given. */
    public Report run(int starts, Duration backendLatency, Endpoint backend, String backendLabel) {
        if (starts < 1 || starts > 100) {
            throw CachectlException.usage("--starts must be between 1 and 100 (got " + starts + ")");
        }
        List<Start> measured = new ArrayList<>();
        double cacheLatency = 0;
        for (int i = 1; i <= starts; i++) {
            String name = "bench-cold-" + ProcessHandle.current().pid() + "-" + i;
            try {
                long t0 = System.nanoTime();
                StartResult started = lifecycle.start(new InstanceRef.Managed(InstanceSpec.defaults(name), "bench --mode cold-start"), null);
                long pong = System.nanoTime();
                try (Jedis client = RedisClients.open(started.endpoint(), TIMEOUT)) {
                    client.get("bench:cold");
                    long first = System.nanoTime();
                    measured.add(new Start(i, ms(pong - t0), ms(first - t0)));
                    if (i == starts) {
                        client.set("bench:cold", "x".repeat(100));
                        cacheLatency = medianGetMs(client);
                    }
                }
            } finally {
                try {
                    lifecycle.stop(name, false, TIMEOUT, true);
                } catch (RuntimeException ignored) {
                    // the failure that got us here is the one to report
                }
            }
        }
        double backendMs;
        if (backend != null) {
            try (Jedis client = RedisClients.open(backend, TIMEOUT)) {
                backendMs = medianGetMs(client);
            }
        } else {
            backendMs = backendLatency.toNanos() / 1e6;
        }
        double[] firsts = measured.stream().mapToDouble(Start::toFirstCommandMs).sorted().toArray();
        int middle = firsts.length / 2;
        double median = round(firsts.length % 2 == 1 ? firsts[middle] : (firsts[middle - 1] + firsts[middle]) / 2);
        double saved = round(backendMs - cacheLatency);
        Long breakEven = saved > 0 ? (long) Math.ceil(median / saved) : null;
        return new Report("completed", "cold-start", measured, median, round(cacheLatency),
                backend != null ? backendLabel : backendLatency.toMillis() + "ms (given)", round(backendMs), saved, breakEven);
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
