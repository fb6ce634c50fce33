package dev.cachectl.warm;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.lifecycle.InstanceCatalog;
import dev.cachectl.lifecycle.InstanceRef;
import dev.cachectl.lifecycle.InstanceState;
import dev.cachectl.lifecycle.Lifecycle;
import dev.cachectl.lifecycle.ProcessIdentity;
import dev.cachectl.lifecycle.StateStore;

import java.util.Optional;

/**
 * An instance name or URL to the Redis endpoint to talk to: an external instance's URL, or a managed
 * one's port and password from its state, provided its server is running (warm never starts one:
 * a cron job must not leave servers behind).
 */
public final class TargetResolver {
    private final InstanceCatalog catalog;
    private final StateStore states;

    public TargetResolver(InstanceCatalog catalog, StateStore states) {
        this.catalog = catalog;
        this.states = states;
    }

    public WarmJob.Target resolve(String nameOrUrl) {
        InstanceRef ref = catalog.resolve(nameOrUrl);
        if (ref instanceof InstanceRef.External ext) {
            checkRedis(ext.name(), ext.engine());
            return new WarmJob.Target(nameOrUrl.contains("://") ? ext.endpoint().toString() : ext.name(), ext.endpoint());
        }
        InstanceRef.Managed managed = (InstanceRef.Managed) ref;
        checkRedis(managed.name(), managed.spec().engine());
        Optional<InstanceState> state = states.read(managed.name());
        if (state.isEmpty()) {
            throw notRunning(managed.name(), "");
        }
        InstanceState s = state.get();
        if (ProcessIdentity.of(s.pid()).filter(id -> id.matches(s)).isEmpty()) {
            throw notRunning(managed.name(), " (its server, pid " + s.pid() + ", is gone)");
        }
        return new WarmJob.Target(managed.name(), Lifecycle.endpointOf(s));
    }

    private static void checkRedis(String name, String engine) {
        if (engine != null && !engine.equals("redis")) {
            throw CachectlException.usage("'" + name + "' is a " + engine + " instance; warm reads and writes Redis here");
        }
    }

    private static CachectlException notRunning(String name, String why) {
        return new CachectlException(ExitCode.DOWN, "'" + name + "' is not running" + why
                + ": start it with 'cachectl start " + name + "'");
    }
}
