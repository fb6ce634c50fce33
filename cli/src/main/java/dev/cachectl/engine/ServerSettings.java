package dev.cachectl.engine;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A managed server's settings by the names cachectl.yaml gives them ({@code maxmemory}, {@code policy}, …), each
 * already parsed (a size in bytes, a {@link ClusterShape}), config and flags merged. {@link Engine#settings} is what
 * judges them for its server and refuses what it cannot honour. The lifecycle reads only what binds an instance's
 * data and how it is reached (persistence, password, TLS, cluster shape); every other setting is the engine's alone.
 */
public record ServerSettings(Map<String, Object> values) {
    public static final String MAXMEMORY = "maxmemory";
    public static final String POLICY = "policy";
    public static final String PERSIST = "persist";
    public static final String PASSWORD = "password";
    public static final String CLUSTER = "cluster";
    public static final String TLS = "tls";

    public ServerSettings {
        Map<String, Object> given = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (v != null) {
                given.put(k, v);
            }
        });
        values = Collections.unmodifiableMap(given);
    }

    /** The setting {@code name} as {@code type}, or null when not given. */
    public <T> T get(String name, Class<T> type) {
        return type.cast(values.get(name));
    }

    /** These settings with {@code name} set to {@code value} (null: not given). */
    public ServerSettings with(String name, Object value) {
        Map<String, Object> changed = new LinkedHashMap<>(values);
        changed.put(name, value);
        return new ServerSettings(changed);
    }

    public boolean persist() {
        return Boolean.TRUE.equals(values.get(PERSIST));
    }

    public String password() {
        return get(PASSWORD, String.class);
    }

    /** Null for a standalone server. */
    public ClusterShape cluster() {
        return get(CLUSTER, ClusterShape.class);
    }

    public boolean tls() {
        return Boolean.TRUE.equals(values.get(TLS));
    }

    public Long maxmemory() {
        return get(MAXMEMORY, Long.class);
    }
}
