package dev.cachectl.status;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * One node of a cluster in {@code status}: where it answers, whether it does, its live role ({@code master}
 * or {@code replica}; a failover may have changed the role it was started with), its view of the
 * cluster ({@code ok} or {@code fail}), and its own keys, memory and fragmentation (the ratio and the bytes it
 * wastes, as for an instance: {@code status --check} judges each node's by itself). {@code error} says why it is down
 * or what the cluster holds against it. {@code pid} is null for a node of an external cluster. {@code metrics}: the
 * node's own figures for its Prometheus series (null when it is down), not in the JSON.
 */
public record NodeStatus(
        String host,
        int port,
        Long pid,
        String role,
        Integer replicaOf,
        boolean up,
        String clusterState,
        Long keys,
        Long usedMemory,
        Double fragmentation,
        Long fragmentationBytes,
        String error,
        @JsonIgnore Metrics metrics) {

    /**
     * A node's figures beside those above, as its server counts them: hits and misses less cachectl's own reads,
     * clients less our probe's connection. Counters, unlike a cluster's sums over the nodes that answered, only
     * go down when the node restarts.
     */
    public record Metrics(Long maxmemory, Long expiringKeys, long clients, Long hits, Long misses, Long evicted,
                          Long expired, Long commands) {
    }
}
