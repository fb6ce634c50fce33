package dev.cachectl.lifecycle;

import dev.cachectl.config.Overrides;
import dev.cachectl.engine.ClusterShape;
import dev.cachectl.engine.Engines;
import dev.cachectl.engine.ServerSettings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a managed instance should be: its name and its settings by the names cachectl.yaml gives them, each
 * parsed, the command line's over the config's ({@link #overriddenBy}). The lifecycle reads its own
 * ({@link #ENGINE}, {@link #PORT}, {@link #IDLE_TIMEOUT}, {@link #BINARY}); the rest are the server's
 * ({@link #server}), which its engine judges. {@code port} null (or {@link #AUTO_PORT}) means pick a free one
 * (for a cluster, the first node's port); an idle timeout of zero means none; an engine not given is the default one.
 */
public record InstanceSpec(String name, Map<String, Object> settings) {
    public static final String ENGINE = "engine";
    public static final String PORT = "port";
    public static final String IDLE_TIMEOUT = "idle-timeout";
    public static final String BINARY = "binary";
    /** The {@link #PORT} of {@code --port auto}, which overrides a configured port. */
    public static final int AUTO_PORT = 0;

    public InstanceSpec {
        settings = new ServerSettings(settings).values();
    }

    public static InstanceSpec defaults(String name) {
        return new InstanceSpec(name, Map.of());
    }

    /** These settings, with every one {@code typed} gives put over them: a flag overrides the config. */
    public InstanceSpec overriddenBy(Map<String, ?> typed) {
        return new InstanceSpec(name, Overrides.over(typed, settings));
    }

    public InstanceSpec with(String setting, Object value) {
        Map<String, Object> changed = new LinkedHashMap<>(settings);
        changed.put(setting, value);
        return new InstanceSpec(name, changed);
    }

    public String engine() {
        Object engine = settings.get(ENGINE);
        return engine == null ? Engines.defaultEngine().name() : (String) engine;
    }

    public Integer port() {
        Integer port = (Integer) settings.get(PORT);
        return port == null || port == AUTO_PORT ? null : port;
    }

    public Duration idleTimeout() {
        Duration idle = (Duration) settings.get(IDLE_TIMEOUT);
        return idle == null || idle.isZero() ? null : idle;
    }

    public Path binary() {
        return (Path) settings.get(BINARY);
    }

    /** The server's settings: every one but the lifecycle's own. */
    public ServerSettings server() {
        Map<String, Object> server = new LinkedHashMap<>(settings);
        server.keySet().removeAll(java.util.List.of(ENGINE, PORT, IDLE_TIMEOUT, BINARY));
        return new ServerSettings(server);
    }

    public boolean persist() {
        return server().persist();
    }

    public String password() {
        return server().password();
    }

    public boolean tls() {
        return server().tls();
    }

    public ClusterShape cluster() {
        return server().cluster();
    }

    public InstanceSpec withPersist(boolean p) {
        return with(ServerSettings.PERSIST, p);
    }

    public InstanceSpec withPassword(String p) {
        return with(ServerSettings.PASSWORD, p);
    }

    public InstanceSpec withTls(boolean t) {
        return with(ServerSettings.TLS, t);
    }

    public InstanceSpec withCluster(ClusterShape c) {
        return with(ServerSettings.CLUSTER, c);
    }
}
