package dev.cachectl.migrate;

import dev.cachectl.CachectlException;
import dev.cachectl.config.Endpoint;
import dev.cachectl.redis.RedisClients;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the servers to read: the source itself, or every master of a cluster source; and for a
 * cluster target, which master serves each slot (all from CLUSTER NODES).
 */
final class Topology {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private Topology() {
    }

    static List<SourceNode> sourceNodes(Endpoint source) {
        if (!source.cluster()) {
            return List.of(SourceNode.of(source, source.host(), source.port()));
        }
        return masters(source, clusterNodes(source));
    }

    /** For every hash slot of a cluster, the master that serves it (null where no master does). */
    static SourceNode[] slotOwners(Endpoint cluster) {
        SourceNode[] owners = new SourceNode[16384];
        for (String line : clusterNodes(cluster).split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length < 9 || !f[2].contains("master") || f[2].contains("fail") || f[2].contains("noaddr")) {
                continue;
            }
            String address = f[1].contains("@") ? f[1].substring(0, f[1].indexOf('@')) : f[1];
            int colon = address.lastIndexOf(':');
            SourceNode node = SourceNode.of(cluster, address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
            for (int i = 8; i < f.length; i++) {
                if (f[i].startsWith("[")) {
                    continue; // a slot being imported or migrated: MOVED/ASK will tell
                }
                int dash = f[i].indexOf('-');
                int from = Integer.parseInt(dash < 0 ? f[i] : f[i].substring(0, dash));
                int to = dash < 0 ? from : Integer.parseInt(f[i].substring(dash + 1));
                for (int slot = from; slot <= to; slot++) {
                    owners[slot] = node;
                }
            }
        }
        return owners;
    }

    /** CLUSTER NODES from the first seed that answers. */
    private static String clusterNodes(Endpoint source) {
        CachectlException last = null;
        for (String seed : source.seeds()) {
            int colon = seed.lastIndexOf(':');
            Endpoint node = SourceNode.of(source, seed.substring(0, colon), Integer.parseInt(seed.substring(colon + 1))).endpoint();
            try (Jedis jedis = RedisClients.open(node, TIMEOUT)) {
                return jedis.clusterNodes();
            } catch (CachectlException e) {
                last = e;
            } catch (JedisException e) {
                last = RedisClients.translate(node, e);
            }
        }
        throw last;
    }

    /** Lines of CLUSTER NODES: {@code id ip:port@bus flags master-id ping pong epoch state slots…}. */
    static List<SourceNode> masters(Endpoint source, String clusterNodes) {
        List<SourceNode> masters = new ArrayList<>();
        for (String line : clusterNodes.split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length < 8 || !f[2].contains("master") || f[2].contains("fail") || f[2].contains("noaddr")) {
                continue;
            }
            if (f.length < 9) {
                continue; // a master without slots holds no keys
            }
            String address = f[1].contains("@") ? f[1].substring(0, f[1].indexOf('@')) : f[1];
            int colon = address.lastIndexOf(':');
            masters.add(SourceNode.of(source, address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))));
        }
        if (masters.isEmpty()) {
            throw CachectlException.failed("the source cluster reports no master with slots (CLUSTER NODES)");
        }
        masters.sort(java.util.Comparator.comparing(SourceNode::address));
        return masters;
    }
}
