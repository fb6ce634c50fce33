package dev.cachectl.bench;

import dev.cachectl.CachectlException;
import dev.cachectl.lifecycle.InstanceRef;
import dev.cachectl.engine.ServerSettings;
import dev.cachectl.lifecycle.InstanceSpec;
import dev.cachectl.lifecycle.Lifecycle;
import dev.cachectl.lifecycle.StartResult;
import dev.cachectl.progress.ProgressListener;
import dev.cachectl.redis.RedisClients;
import redis.clients.jedis.Jedis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code bench --mode eviction}: per maxmemory policy, a temporary managed instance capped at
 * {@code --maxmemory}, driven as a read-through cache (GET; on a miss, SET) with Zipf keys; the
 * steady-state hit ratio from the server's INFO after a warm-up, its evictions, and the ideal hit
 * ratio of the distribution for the number of keys that fit. Every instance is stopped and removed,
 * whatever happens.
 */
public final class EvictionBench {
    public static final List<String> DEFAULT_POLICIES = List.of("allkeys-lru", "allkeys-lfu", "allkeys-random",
            "volatile-lru", "volatile-ttl");
    private static final Set<String> POLICIES = Set.of("allkeys-lru", "allkeys-lfu", "allkeys-random", "volatile-lru",
            "volatile-lfu", "volatile-random", "volatile-ttl");
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    /** What to compare: policies, the memory cap, the sampling and LFU tunables (null: the server's default). */
    public record Plan(Workload workload, LoadShape shape, List<String> policies, long maxmemory, Integer samples,
                       Integer lfuLogFactor, Integer lfuDecayTime) {
        public Plan {
            for (String p : policies) {
                if (!POLICIES.contains(p)) {
                    throw CachectlException.usage("unknown eviction policy '" + p + "': use " + String.join(", ",
                            POLICIES.stream().sorted().toList()));
                }
            }
            if (maxmemory < 1 << 20) {
                throw CachectlException.usage("--maxmemory must be at least 1mb for --mode eviction (got " + maxmemory + " bytes)");
            }
        }
    }

    /** One policy's figures; {@code errors}: operations (warm-up and measured) answered with an error, the first in {@code firstError}. */
    public record Policy(String policy, double hitRatio, double idealHitRatio, long evictions, long keysHeld,
                         double opsPerSec, long errors, String firstError) {
    }

    /** {@code outcome} is {@code partial} when some policy's operations were answered with errors, said in {@code message}. */
    public record Report(String outcome, String message, String mode, long maxmemory, int keys, double zipfExponent,
                         long requests, List<Policy> policies) {
    }

    private final Lifecycle lifecycle;
    private final BenchService service;

    public EvictionBench(Lifecycle lifecycle, BenchService service) {
        this.lifecycle = lifecycle;
        this.service = service;
    }

    public Report run(Plan plan, ProgressListener progress) {
        Zipf zipf = new Zipf(plan.workload().keys(), plan.workload().zipfExponent());
        List<Policy> results = new ArrayList<>();
        for (String policy : plan.policies()) {
            results.add(measure(plan, policy, zipf, progress));
        }
        List<String> failed = results.stream().filter(p -> p.errors() > 0)
                .map(p -> p.policy() + ": " + p.errors() + " operations answered with an error, the first: " + p.firstError())
                .toList();
        return new Report(failed.isEmpty() ? "completed" : "partial", failed.isEmpty() ? null : String.join("; ", failed),
                "eviction", plan.maxmemory(), plan.workload().keys(), plan.workload().zipfExponent(), plan.shape().requests(),
                results);
    }

    private Policy measure(Plan plan, String policy, Zipf zipf, ProgressListener progress) {
        String name = "bench-" + policy + "-" + ProcessHandle.current().pid();
        InstanceSpec spec = InstanceSpec.defaults(name).with(ServerSettings.MAXMEMORY, plan.maxmemory())
                .with(ServerSettings.POLICY, policy);
        try {
            StartResult started = lifecycle.start(new InstanceRef.Managed(spec, "bench --mode eviction"), null);
            try (Jedis jedis = RedisClients.open(started.endpoint(), STOP_TIMEOUT)) {
                tune(jedis, plan);
                try (RedisBenchTarget target = new RedisBenchTarget(name, started.endpoint())) {
                    Workload readThrough = plan.workload().asReadThrough();
                    BenchService.Drive warmup = service.drive(target, readThrough, plan.shape(), ProgressListener.none());
                    ServerView before = target.view();
                    BenchService.Drive measured = service.drive(target, readThrough.withSeed(readThrough.seed() + 1), plan.shape(),
                            progress);
                    double seconds = measured.seconds();
                    ServerView after = target.view();
                    long hits = after.keyspaceHits() - before.keyspaceHits();
                    long misses = after.keyspaceMisses() - before.keyspaceMisses();
                    long held = jedis.dbSize();
                    long evictions = after.evictedKeys();
                    return new Policy(policy, hits + misses == 0 ? 0 : round((double) hits / (hits + misses)),
                            round(zipf.topMass(capacity(held, evictions, after.usedMemory(), plan))),
                            after.evictedKeys() - before.evictedKeys(), held,
                            Math.round((hits + misses) / seconds * 100) / 100.0, warmup.errors() + measured.errors(),
                            warmup.firstError() != null ? warmup.firstError() : measured.firstError());
                }
            }
        } finally {
            stopQuietly(name);
        }
    }

    /**
     * How many keys fit: what the server holds once it has had to evict; before that, what it holds
     * scaled up to the limit (an estimate: the server's own overhead counts as if it were keys).
     */
    private static int capacity(long held, long evictions, long usedMemory, Plan plan) {
        double fit = evictions > 0 || usedMemory <= 0 ? held : held * (double) plan.maxmemory() / usedMemory;
        return (int) Math.min(plan.workload().keys(), Math.round(fit));
    }

    private static void tune(Jedis jedis, Plan plan) {
        if (plan.samples() != null) {
            jedis.configSet("maxmemory-samples", plan.samples().toString());
        }
        if (plan.lfuLogFactor() != null) {
            jedis.configSet("lfu-log-factor", plan.lfuLogFactor().toString());
        }
        if (plan.lfuDecayTime() != null) {
            jedis.configSet("lfu-decay-time", plan.lfuDecayTime().toString());
        }
    }

    /** Whatever happened before: the temporary instance goes, data and all. */
    private void stopQuietly(String name) {
        try {
            lifecycle.stop(name, false, STOP_TIMEOUT, true);
        } catch (RuntimeException ignored) {
            // nothing was started, or the failure that got us here is the one to report
        }
    }

    private static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }
}
