package dev.cachectl.engine;

import dev.cachectl.config.Endpoint;

/**
 * A node that a running cluster lists, found through its seeds: where it answers (its host may not be
 * the seed's), its role, for a replica the port of its master, and {@code trouble}, the cluster's own
 * verdict against it (e.g. {@code fail}), null when there is none; {@code id}, its cluster node id, and {@code slots},
 * how many slots it serves, as the node asked sees them.
 */
public record ClusterPeer(String host, int port, Endpoint endpoint, boolean master, Integer replicaOf, String trouble,
                          String id, int slots) {
}
