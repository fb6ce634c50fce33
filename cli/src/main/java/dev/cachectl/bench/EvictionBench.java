package dev.cachectl.bench;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.engine.ServerSettings;
import dev.cachectl.lifecycle.InstanceSpec;
import dev.cachectl.lifecycle.Lifecycle;
import dev.cachectl.lifecycle.TemporaryInstance;
import dev.cachectl.progress.ProgressListener;
import dev.cachectl.redis.RedisClients;
import redis.clients.jedis.Jedis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code bench --mode eviction}: per maxmemory policy, a temporary managed instance capped at
 * {@code --maxmemory}, driven as a read-through cache (GET; on a miss, SET) with Zipf keys; the
 * steady-state hit ratio from the server's INFO after a warm-up, its evictions, and the ideal hit
 * ratio of the distribution for the number of keys that fit. Every instance is stopped and removed,
 * whatever happens ({@link TemporaryInstance}).
 */
public final class EvictionBench {
    /** The policies an eviction bench can compare, sorted (completion lists them): every one that evicts. */
    public static List<String> policies() {
        return POLICIES.stream().sorted().toList();
    }

    public static final List<String> DEFAULT_POLICIES = List.of("allkeys-lru", "allkeys-lfu", "allkeys-random",
            "volatile-lru", "volatile-ttl");
    static final Set<String> POLICIES = Set.of("allkeys-lru", "allkeys-lfu", "allkeys-random", "volatile-lru",
            "volatile-lfu", "volatile-random", "volatile-ttl");
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

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

    /**
     * {@code outcome} is {@code partial} when some policy's operations were answered with errors, said in {@code message};
     * {@code interrupted} (Ctrl-C) with the policies measured before, as {@code message} says.
     */
    public record Report(String outcome, String message, String mode, long maxmemory, int keys, double zipfExponent,
                         long requests, List<Policy> policies) {
    }

    private final Lifecycle lifecycle;
    private final BenchService service;

    public EvictionBench(Lifecycle lifecycle, BenchService service) {
        this.lifecycle = lifecycle;
        this.service = service;
    }

    /**
     * Every policy in turn; once the run is cancelled (Ctrl-C), no further instance is started and the report has the
     * policies measured so far, the one cut short in its measured part with what that part measured.
     */
    public Report run(Plan plan, ProgressListener progress) {
        Zipf zipf = new Zipf(plan.workload().keys(), plan.workload().zipfExponent());
        List<Policy> results = new ArrayList<>();
        String cutShort = null;
        for (String policy : plan.policies()) {
            if (service.cancelled() != null) {
                break;
            }
            try {
                Optional<Policy> measured = measure(plan, policy, zipf, progress);
                measured.ifPresent(results::add);
                cutShort = measured.isPresent() && service.cancelled() != null ? policy : null;
            } catch (CachectlException e) {
                if (e.exitCode() != ExitCode.INTERRUPTED || service.cancelled() == null) {
                    throw e;
                }
                // its start was interrupted: it was stopped and removed, and the policies before it are reported
            }
        }
        List<String> failed = results.stream().filter(p -> p.errors() > 0)
                .map(p -> p.policy() + ": " + p.errors() + " operations answered with an error, the first: " + p.firstError())
                .toList();
        String why = service.cancelled();
        String outcome = why != null ? "interrupted" : failed.isEmpty() ? "completed" : "partial";
        List<String> message = new ArrayList<>(failed);
        if (why != null) {
            message.add(0, why + ": " + results.size() + " of " + plan.policies().size() + " policies measured"
                    + (cutShort == null ? "" : ", " + cutShort + " over the part of its requests it got through"));
        }
        return new Report(outcome, message.isEmpty() ? null : String.join("; ", message),
                "eviction", plan.maxmemory(), plan.workload().keys(), plan.workload().zipfExponent(), plan.shape().requests(),
                results);
    }

    /** One policy's figures; none when the run was cancelled before its measured part. */
    private Optional<Policy> measure(Plan plan, String policy, Zipf zipf, ProgressListener progress) {
        String name = "bench-" + policy + "-" + ProcessHandle.current().pid();
        InstanceSpec spec = InstanceSpec.defaults(name).with(ServerSettings.MAXMEMORY, plan.maxmemory())
                .with(ServerSettings.POLICY, policy);
        try (TemporaryInstance instance = lifecycle.startTemporary(spec, "bench --mode eviction");
             Jedis jedis = RedisClients.open(instance.started().endpoint(), TIMEOUT);
             RedisBenchTarget target = new RedisBenchTarget(name, instance.started().endpoint())) {
            tune(jedis, plan);
            Workload readThrough = plan.workload().asReadThrough();
            BenchService.Drive warmup = service.drive(target, readThrough, plan.shape(), ProgressListener.none());
            if (service.cancelled() != null) {
                return Optional.empty();
            }
            ServerView before = target.view();
            BenchService.Drive measured = service.drive(target, readThrough.withSeed(readThrough.seed() + 1), plan.shape(),
                    progress);
            double seconds = measured.seconds();
            ServerView after = target.view();
            long hits = after.keyspaceHits() - before.keyspaceHits();
            long misses = after.keyspaceMisses() - before.keyspaceMisses();
            if (hits + misses == 0 && service.cancelled() != null) {
                return Optional.empty();
            }
            long held = jedis.dbSize();
            long evictions = after.evictedKeys();
            return Optional.of(new Policy(policy, hits + misses == 0 ? 0 : round((double) hits / (hits + misses)),
                    round(zipf.topMass(capacity(held, evictions, after.usedMemory(), plan))),
                    after.evictedKeys() - before.evictedKeys(), held,
                    Math.round((hits + misses) / seconds * 100) / 100.0, warmup.errors() + measured.errors(),
                    warmup.firstError() != null ? warmup.firstError() : measured.firstError()));
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

    private static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }
}
