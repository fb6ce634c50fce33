package dev.cachectl.redis;

import dev.cachectl.CachectlException;
import dev.cachectl.config.Endpoint;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The nodes of a Redis Cluster as CLUSTER NODES lists them, asked of the first seed that answers: how
 * migrate finds the masters to read and the owner of each slot, and how status finds every node to sample.
 */
public final class ClusterNodes {

    /**
     * One line, {@code id ip:port@cport[,hostname] flags master-id ping pong epoch link slots…}. {@code slots}
     * are ranges ({@code 0-5460}, {@code 42}) and, while a slot moves, {@code [slot->-id]} entries.
     */
    public record Node(String id, String host, int port, List<String> flags, String masterId, List<String> slots) {

        public boolean master() {
            return flags.contains("master");
        }

        /** The flags that say the cluster cannot count on it ({@code fail}, {@code fail?}, {@code noaddr}), or null. */
        public String trouble() {
            List<String> bad = flags.stream().filter(f -> f.startsWith("fail") || f.equals("noaddr")).toList();
            return bad.isEmpty() ? null : String.join(",", bad);
        }

        /** A node that has not finished joining, which no client is sent to yet. */
        public boolean handshake() {
            return flags.contains("handshake");
        }

        /** How many slots it serves: its ranges, not the slots moving to or from it. */
        public int slotCount() {
            return slots.stream().filter(r -> !r.startsWith("[")).mapToInt(r -> {
                int dash = r.indexOf('-');
                return dash < 0 ? 1 : Integer.parseInt(r.substring(dash + 1)) - Integer.parseInt(r.substring(0, dash)) + 1;
            }).sum();
        }

        public String address() {
            return host + ":" + port;
        }
    }

    private ClusterNodes() {
    }

    /** Throws the last seed's failure (exit 3 when none could be reached) when no seed answers. */
    public static List<Node> fetch(Endpoint cluster, Duration timeout) {
        CachectlException last = null;
        for (String seed : cluster.seeds()) {
            int colon = seed.lastIndexOf(':');
            Endpoint node = cluster.atNode(seed.substring(0, colon), Integer.parseInt(seed.substring(colon + 1)));
            try (Jedis jedis = RedisClients.open(node, timeout)) {
                return parse(jedis.clusterNodes(), node.host());
            } catch (CachectlException e) {
                last = e;
            } catch (JedisException e) {
                last = RedisClients.translate(node, e);
            }
        }
        throw last;
    }

    /** {@code askedHost} stands in for an empty address: a node that has met no other lists itself as {@code :port}. */
    public static List<Node> parse(String clusterNodes, String askedHost) {
        List<Node> nodes = new ArrayList<>();
        for (String line : clusterNodes.split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length < 8) {
                continue;
            }
            String address = f[1].split("[@,]")[0];
            int colon = address.lastIndexOf(':');
            String host = address.substring(0, colon);
            nodes.add(new Node(f[0], host.isEmpty() ? askedHost : host, Integer.parseInt(address.substring(colon + 1)),
                    List.of(f[2].split(",")), f[3], List.of(Arrays.copyOfRange(f, 8, f.length))));
        }
        return nodes;
    }
}
