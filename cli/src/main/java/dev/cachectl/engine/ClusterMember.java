package dev.cachectl.engine;

/**
 * A node of a cluster the engine has formed, in the order the nodes were given: its id in the
 * cluster, its role ({@code master} or {@code replica}), and for a replica the index of its master.
 */
public record ClusterMember(String nodeId, String role, int masterIndex) {
}
