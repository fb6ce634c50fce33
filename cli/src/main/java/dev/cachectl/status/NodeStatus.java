package dev.cachectl.status;

/**
 * One node of a cluster in {@code status}: where it answers, whether it does, its live role ({@code master}
 * or {@code replica}; a failover may have changed the role it was started with), its view of the
 * cluster ({@code ok} or {@code fail}), and its own keys, memory and fragmentation (the ratio and the bytes it
 * wastes, as for an instance: {@code status --check} judges each node's by itself). {@code error} says why it is down
 * or what the cluster holds against it. {@code pid} is null for a node of an external cluster.
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
        String error) {
}
