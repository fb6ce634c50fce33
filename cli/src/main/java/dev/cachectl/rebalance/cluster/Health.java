package dev.cachectl.rebalance.cluster;

import dev.cachectl.CachectlException;
import dev.cachectl.redis.ClusterNodes;
import redis.clients.jedis.Jedis;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Whether the cluster may be rebalanced: cluster_state ok on every node, no node failing or still joining,
 * every slot served, and no slot open (MIGRATING/IMPORTING) except those this home's journal names.
 */
final class Health {
    /** A slot a master lists as open in its own CLUSTER NODES line. */
    record OpenSlot(int slot, String node, boolean migrating, String peer) {
    }

    private Health() {
    }

    /** The open slots of every master (as each sees itself), without judging them. */
    static List<OpenSlot> openSlots(Nodes nodes) {
        List<OpenSlot> open = new ArrayList<>();
        for (ClusterNodes.Node master : nodes.masters()) {
            String text = nodes.jedis(master).clusterNodes();
            for (ClusterNodes.Node self : ClusterNodes.parse(text, master.host())) {
                if (!self.flags().contains("myself")) {
                    continue;
                }
                for (String s : self.slots()) {
                    if (s.startsWith("[")) {
                        String body = s.substring(1, s.length() - 1);
                        boolean migrating = body.contains("->-");
                        String[] parts = body.split(migrating ? "->-" : "-<-");
                        open.add(new OpenSlot(Integer.parseInt(parts[0]), self.id(), migrating, parts[1]));
                    }
                }
            }
        }
        return open;
    }

    /** Throws (exit 1) with a line naming the first problem; {@code ours}: open slots this home's journal explains. */
    static void check(Nodes nodes, List<OpenSlot> open, List<Journal.Step> ours) {
        for (ClusterNodes.Node node : nodes.all()) {
            if (node.trouble() != null) {
                throw refuse("node " + node.address() + " is marked " + node.trouble());
            }
            if (node.handshake()) {
                throw refuse("node " + node.address() + " is still joining (handshake)");
            }
        }
        BitSet covered = new BitSet(16384);
        for (ClusterNodes.Node master : nodes.masters()) {
            covered.or(Nodes.slots(master));
        }
        if (covered.cardinality() != 16384) {
            throw refuse((16384 - covered.cardinality()) + " slots are served by no master (first: slot "
                    + covered.nextClearBit(0) + ")");
        }
        for (OpenSlot slot : open) {
            boolean mine = ours.stream().anyMatch(s -> s.slot() == slot.slot()
                    && (slot.migrating() ? s.from().equals(slot.node()) && s.to().equals(slot.peer())
                    : s.to().equals(slot.node()) && s.from().equals(slot.peer())));
            if (!mine) {
                throw refuse("slot " + slot.slot() + " is open (" + (slot.migrating() ? "migrating" : "importing") + " on "
                        + nodes.byId(slot.node()).address() + ") by another tool's migration: finish it first, e.g. with "
                        + "'redis-cli --cluster fix'");
            }
        }
        for (ClusterNodes.Node master : nodes.masters()) {
            Jedis jedis = nodes.jedis(master);
            String state = field(jedis.clusterInfo(), "cluster_state");
            if (!"ok".equals(state)) {
                throw refuse("cluster_state is " + state + " on " + master.address());
            }
        }
    }

    static String field(String info, String name) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(name + ":")) {
                return line.substring(name.length() + 1).trim();
            }
        }
        return null;
    }

    private static CachectlException refuse(String problem) {
        return CachectlException.failed("the cluster is not healthy, nothing moved: " + problem);
    }
}
