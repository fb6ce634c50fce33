package dev.cachectl.bench;

import dev.cachectl.config.Endpoint;

/** Redis's bench: every option applies; a standalone server or a cluster's masters, driven by {@link RedisLoadLoop}s. */
public final class RedisBench implements Bench {

    @Override
    public void check(BenchPlan plan) {
    }

    @Override
    public BenchTarget open(String label, Endpoint endpoint, BenchPlan plan) {
        // before any work: a missing or wrong password is a usage error (exit 2), not a command refused mid-run
        dev.cachectl.redis.RedisClients.check(endpoint);
        return new RedisBenchTarget(label, endpoint);
    }
}
