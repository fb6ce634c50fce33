package dev.cachectl.lifecycle;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What a managed instance should be: its settings merged from cachectl.yaml and the command line.
 * {@code port} null means pick a free one (for a cluster, the first node's port); {@code maxmemory} null leaves
 * the engine's default; {@code cluster} null is a standalone server; {@code tls} serves TLS only,
 * with a certificate from the instance's own certificate authority.
 */
public record InstanceSpec(
        String name,
        String engine,
        Integer port,
        Long maxmemory,
        String policy,
        boolean persist,
        String password,
        Duration idleTimeout,
        Path binary,
        ClusterShape cluster,
        boolean tls) {

    public static InstanceSpec defaults(String name) {
        return new InstanceSpec(name, "redis", null, null, null, false, null, null, null, null, false);
    }

    public InstanceSpec withPort(Integer p) {
        return new InstanceSpec(name, engine, p, maxmemory, policy, persist, password, idleTimeout, binary, cluster, tls);
    }

    public InstanceSpec withMaxmemory(Long m) {
        return new InstanceSpec(name, engine, port, m, policy, persist, password, idleTimeout, binary, cluster, tls);
    }

    public InstanceSpec withPolicy(String p) {
        return new InstanceSpec(name, engine, port, maxmemory, p, persist, password, idleTimeout, binary, cluster, tls);
    }

    public InstanceSpec withPersist(boolean p) {
        return new InstanceSpec(name, engine, port, maxmemory, policy, p, password, idleTimeout, binary, cluster, tls);
    }

    public InstanceSpec withPassword(String p) {
        return new InstanceSpec(name, engine, port, maxmemory, policy, persist, p, idleTimeout, binary, cluster, tls);
    }

    public InstanceSpec withIdleTimeout(Duration d) {
        return new InstanceSpec(name, engine, port, maxmemory, policy, persist, password, d, binary, cluster, tls);
    }

    public InstanceSpec withBinary(Path b) {
        return new InstanceSpec(name, engine, port, maxmemory, policy, persist, password, idleTimeout, b, cluster, tls);
    }

    public InstanceSpec withEngine(String e) {
        return new InstanceSpec(name, e, port, maxmemory, policy, persist, password, idleTimeout, binary, cluster, tls);
    }

    public InstanceSpec withCluster(ClusterShape c) {
        return new InstanceSpec(name, engine, port, maxmemory, policy, persist, password, idleTimeout, binary, c, tls);
    }

    public InstanceSpec withTls(boolean t) {
        return new InstanceSpec(name, engine, port, maxmemory, policy, persist, password, idleTimeout, binary, cluster, t);
    }
}
