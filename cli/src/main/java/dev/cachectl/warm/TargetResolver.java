package dev.cachectl.warm;

import dev.cachectl.CachectlException;
import dev.cachectl.config.Endpoint;
import dev.cachectl.redis.RedisClients;
import dev.cachectl.lifecycle.InstanceCatalog;
import dev.cachectl.lifecycle.InstanceRef;


/**
 * An instance name or URL to the Redis endpoint to talk to: an external instance's URL, or a managed
 * one's port and password from its state, provided its server is running (warm never starts one:
 * a cron job must not leave servers behind).
 */
public final class TargetResolver {
    private final InstanceCatalog catalog;

    public TargetResolver(InstanceCatalog catalog) {
        this.catalog = catalog;
    }

    public WarmJob.Target resolve(String nameOrUrl) {
        InstanceRef ref = catalog.resolve(nameOrUrl);
        String engine = ref instanceof InstanceRef.External ext ? ext.engine() : ((InstanceRef.Managed) ref).spec().engine();
        checkRedis(ref.name(), engine);
        String label = ref instanceof InstanceRef.External ext && nameOrUrl.contains("://") ? ext.endpoint().toString() : ref.name();
        Endpoint endpoint = catalog.reachableEndpoint(nameOrUrl);
        // before any record is read: a cron job with a wrong password fails at once, whatever its input
        RedisClients.check(endpoint);
        return new WarmJob.Target(label, endpoint);
    }

    private static void checkRedis(String name, String engine) {
        if (engine != null && !engine.equals("redis")) {
            throw CachectlException.usage("'" + name + "' is a " + engine + " instance; warm reads and writes Redis here");
        }
    }
}
