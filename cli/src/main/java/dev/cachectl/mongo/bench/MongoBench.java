package dev.cachectl.mongo.bench;

import dev.cachectl.CachectlException;
import dev.cachectl.bench.Bench;
import dev.cachectl.bench.BenchPlan;
import dev.cachectl.bench.BenchTarget;
import dev.cachectl.config.Endpoint;

/**
 * MongoDB's bench: a GET is a find by {@code _id}, a SET a replaceOne with upsert, each client on a thread of its own
 * over the driver's pool. What only a Redis event loop or a Redis server can do is refused, naming the option.
 */
public final class MongoBench implements Bench {

    @Override
    public void check(BenchPlan plan) {
        if (plan.shape().pipeline() > 1) {
            throw CachectlException.usage("--pipeline does not apply to a mongo instance: each client sends one find or"
                    + " replaceOne and waits for its reply (raise --clients for more operations in flight)");
        }
        if (plan.shape().threads() > 1) {
            throw CachectlException.usage("--threads does not apply to a mongo instance: each of --clients runs on a"
                    + " thread of its own over the driver's connection pool");
        }
    }

    @Override
    public void checkMode(String mode) {
        if (mode.equals("eviction") || mode.equals("cold-start")) {
            throw CachectlException.usage("--mode " + mode + " does not apply to a mongo instance: it starts temporary Redis"
                    + " instances of its own (" + (mode.equals("eviction") ? "comparing Redis eviction policies"
                    : "timing Redis starts") + "); give - as TARGET");
        }
    }

    @Override
    public BenchTarget open(String label, Endpoint endpoint, BenchPlan plan) {
        return new MongoBenchTarget(label, endpoint, plan.shape().clients());
    }
}
