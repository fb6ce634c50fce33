package dev.cachectl.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One entry under {@code instances:} in cachectl.yaml: either {@code url} (an external instance)
 * or a managed spec ({@code cluster: 3x1} makes it a Redis Cluster, {@code tls: true} serves TLS). Values stay text here; {@link Instances} validates them with the same
 * parsers as the command line, so a bad value reads the same wherever it was written.
 */
public record InstanceDefinition(
        String engine,
        String url,
        String port,
        String maxmemory,
        String policy,
        Boolean persist,
        String password,
        @JsonProperty("idle-timeout") String idleTimeout,
        String binary,
        String cluster,
        Boolean tls) {

    /**
     * The settings given for starting a server (port, maxmemory, …), by their names in the file: what an instance
     * with a URL, a server cachectl does not start, would ignore.
     */
    public java.util.List<String> serverSettings() {
        java.util.Map<String, Object> server = new java.util.LinkedHashMap<>();
        server.put("port", port);
        server.put("maxmemory", maxmemory);
        server.put("policy", policy);
        server.put("persist", persist);
        server.put("password", password);
        server.put("idle-timeout", idleTimeout);
        server.put("binary", binary);
        server.put("cluster", cluster);
        server.put("tls", tls);
        server.values().removeIf(java.util.Objects::isNull);
        return java.util.List.copyOf(server.keySet());
    }

    public static InstanceDefinition empty() {
        return new InstanceDefinition(null, null, null, null, null, null, null, null, null, null, null);
    }
}
