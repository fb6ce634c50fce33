package dev.cachectl.redis.copy;

import dev.cachectl.CachectlException;
import dev.cachectl.config.Endpoint;
import dev.cachectl.redis.ClusterNodes;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;

/**
 * Finds the servers to read: the source itself, or every master of a cluster source; and for a
 * cluster target, which master serves each slot (all from CLUSTER NODES, each node given {@code timeout} to answer).
 */
final class Topology {

    private Topology() {
    }

    static List<SourceNode> sourceNodes(Endpoint source, Duration timeout) {
        List<SourceNode> masters = servers(source, timeout);
        if (masters.isEmpty()) {
            throw CachectlException.failed("the source cluster reports no master with slots (CLUSTER NODES)");
        }
        return masters;
    }

    /** The server itself, or every master of a cluster that serves slots, by address. */
    static List<SourceNode> servers(Endpoint endpoint, Duration timeout) {
        if (!endpoint.cluster()) {
            return List.of(SourceNode.of(endpoint, endpoint.host(), endpoint.port()));
        }
        return servingMasters(endpoint, timeout).stream()
                .map(n -> SourceNode.of(endpoint, n.host(), n.port()))
                .sorted(Comparator.comparing(SourceNode::address))
                .toList();
    }

    /** For every hash slot of a cluster, the master that serves it (null where no master does). */
    static SourceNode[] slotOwners(Endpoint cluster, Duration timeout) {
        SourceNode[] owners = new SourceNode[16384];
        for (ClusterNodes.Node master : servingMasters(cluster, timeout)) {
            SourceNode node = SourceNode.of(cluster, master.host(), master.port());
            for (String range : master.slots()) {
                if (range.startsWith("[")) {
                    continue; // a slot being imported or migrated: MOVED/ASK will tell
                }
                int dash = range.indexOf('-');
                int from = Integer.parseInt(dash < 0 ? range : range.substring(0, dash));
                int to = dash < 0 ? from : Integer.parseInt(range.substring(dash + 1));
                for (int slot = from; slot <= to; slot++) {
                    owners[slot] = node;
                }
            }
        }
        return owners;
    }

    /** Masters that hold keys: a failed master's replica takes over, a master without slots holds none. */
    private static List<ClusterNodes.Node> servingMasters(Endpoint cluster, Duration timeout) {
        return ClusterNodes.fetch(cluster, timeout).stream()
                .filter(n -> n.master() && n.trouble() == null && !n.slots().isEmpty())
                .toList();
    }
}
