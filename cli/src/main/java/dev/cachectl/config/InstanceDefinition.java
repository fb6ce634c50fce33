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

    public static InstanceDefinition empty() {
        return new InstanceDefinition(null, null, null, null, null, null, null, null, null, null, null);
    }
}
