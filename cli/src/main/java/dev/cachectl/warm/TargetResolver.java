package dev.cachectl.warm;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.config.Endpoint;
import dev.cachectl.engine.Engine;
import dev.cachectl.engine.Engines;
import dev.cachectl.redis.ClusterWrites;
import dev.cachectl.redis.RedisClients;
import dev.cachectl.lifecycle.InstanceCatalog;
import dev.cachectl.lifecycle.InstanceRef;

import java.time.Duration;

/**
 * An instance name or URL to the Redis endpoint to talk to: an external instance's URL, or a managed
 * one's port and password from its state, provided its server is running (warm never starts one:
 * a cron job must not leave servers behind). Its engine is found as every command finds it
 * ({@link InstanceCatalog#engineOf}: a URL's scheme through {@link Engines}, a managed instance's state or config).
 */
public final class TargetResolver {
    /** The engine warm's sinks write to (they speak RESP through Jedis). */
    private static final Engine WRITES_TO = Engines.of("redis://");
    /** For each master of a cluster target, as {@link RedisClients#check} waits for one server. */
    private static final Duration NODE_TIMEOUT = Duration.ofSeconds(5);

    private final InstanceCatalog catalog;

    public TargetResolver(InstanceCatalog catalog) {
        this.catalog = catalog;
    }

    /**
     * For a source that is no file: how to name the instance of that name as a source, when there is one
     * ("" when there is none).
     */
    String sourceHint(String name) {
        if (!catalog.knownNames().contains(name)) {
            return "";
        }
        Engine engine = catalog.engineOf(name);
        return engine.equals(WRITES_TO) ? "; '" + name + "' is a Redis instance: warm copies its hottest keys with --top N"
                : "; '" + name + "' is a " + engine.name() + " instance: name the collection to read, as "
                + "mongodb://HOST:PORT/DB.COLLECTION ('cachectl status " + name + "' shows its URL)";
    }

    public WarmJob.Target resolve(String nameOrUrl) {
        InstanceRef ref = catalog.resolve(nameOrUrl);
        Engine engine = catalog.engineOf(nameOrUrl);
        if (!engine.equals(WRITES_TO)) {
            throw CachectlException.usage("'" + ref.name() + "' is a " + engine.name() + " instance; warm reads and writes "
                    + "Redis here");
        }
        String label = ref instanceof InstanceRef.External ext && nameOrUrl.contains("://") ? ext.endpoint().toString() : ref.name();
        Endpoint endpoint = catalog.reachableEndpoint(nameOrUrl);
        // before any record is read: a cron job with a wrong password fails at once, whatever its input
        RedisClients.check(endpoint);
        return new WarmJob.Target(label, endpoint);
    }

    /**
     * {@link #resolve}, and for a cluster, every master that serves slots answers and sees the cluster ok
     * (exit 3 naming the node, as status does), before any record is read: otherwise the writes to its slots
     * have nowhere to go, and the run would fail record by record on a target that was down from the start.
     */
    public WarmJob.Target resolveTarget(String nameOrUrl) {
        WarmJob.Target target = resolve(nameOrUrl);
        if (target.endpoint().cluster()) {
            ClusterWrites.problem(target.endpoint(), NODE_TIMEOUT).ifPresent(problem -> {
                throw new CachectlException(ExitCode.DOWN, "cannot warm '" + target.name() + "': cluster degraded: "
                        + problem);
            });
        }
        return target;
    }
}
