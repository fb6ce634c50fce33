package dev.cachectl.status;

/**
 * One node of a cluster in {@code status}: whether it answers, its live role ({@code master} or
 * {@code replica}; a failover may have changed the role it was started with), its view of the
 * cluster ({@code ok} or {@code fail}), and its own keys and memory. {@code error} says why it is down.
 */
public record NodeStatus(
        int port,
        long pid,
        String role,
        Integer replicaOf,
        boolean up,
        String clusterState,
        Long keys,
        Long usedMemory,
        String error) {
}
