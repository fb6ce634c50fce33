package dev.cachectl.rebalance.cluster;

import dev.cachectl.CachectlException;
import dev.cachectl.config.Endpoint;
import dev.cachectl.redis.ClusterNodes;
import dev.cachectl.redis.RedisClients;
import redis.clients.jedis.Jedis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster's nodes and one open connection to each, as the first reachable seed lists them. Masters are
 * those with the master flag, with their slots as a BitSet; the connections are closed with {@link #close}.
 */
final class Nodes implements AutoCloseable {
    private final Endpoint cluster;
    private final Duration timeout;
    private final List<ClusterNodes.Node> all;
    private final Map<String, Jedis> open = new LinkedHashMap<>();

    Nodes(Endpoint cluster, Duration timeout) {
        this.cluster = cluster;
        this.timeout = timeout;
        this.all = ClusterNodes.fetch(cluster, timeout);
    }

    List<ClusterNodes.Node> all() {
        return all;
    }

    List<ClusterNodes.Node> masters() {
        return all.stream().filter(ClusterNodes.Node::master).toList();
    }

    ClusterNodes.Node byId(String id) {
        return all.stream().filter(n -> n.id().equals(id)).findFirst()
                .orElseThrow(() -> CachectlException.failed("node " + id + " is no longer in the cluster"));
    }

    /** A master named by HOST:PORT, node id, or a unique prefix of its id; null when none matches. */
    ClusterNodes.Node find(String name) {
        List<ClusterNodes.Node> hits = new ArrayList<>();
        for (ClusterNodes.Node n : masters()) {
            if (n.address().equals(name) || n.id().equals(name) || name.length() >= 6 && n.id().startsWith(name)
                    || name.startsWith(":") && (n.port() + "").equals(name.substring(1))) {
                hits.add(n);
            }
        }
        return hits.size() == 1 ? hits.get(0) : null;
    }

    Endpoint endpoint(ClusterNodes.Node node) {
        return cluster.atNode(node.host(), node.port());
    }

    Jedis jedis(ClusterNodes.Node node) {
        return open.computeIfAbsent(node.id(), id -> RedisClients.open(endpoint(node), timeout));
    }

    /** A fresh connection to {@code node} that sends ASKING before each command. */
    Jedis asking(ClusterNodes.Node node) {
        Endpoint e = endpoint(node);
        return new Jedis(new AskingConnection(new redis.clients.jedis.HostAndPort(e.host(), e.port()),
                RedisClients.clientConfig(e, timeout)));
    }

    Endpoint cluster() {
        return cluster;
    }

    /** The slots a node's slot list names (ranges and single slots; open-slot entries in brackets are skipped). */
    static BitSet slots(ClusterNodes.Node node) {
        BitSet set = new BitSet(16384);
        for (String s : node.slots()) {
            if (s.startsWith("[")) {
                continue;
            }
            int dash = s.indexOf('-');
            int from = Integer.parseInt(dash < 0 ? s : s.substring(0, dash));
            int to = dash < 0 ? from : Integer.parseInt(s.substring(dash + 1));
            set.set(from, to + 1);
        }
        return set;
    }

    @Override
    public void close() {
        open.values().forEach(j -> {
            try {
                j.close();
            } catch (RuntimeException ignored) {
                // closing is best effort: the node may be gone
            }
        });
        open.clear();
    }
}
