package dev.cachectl.rebalance.cluster;

import dev.cachectl.redis.ClusterNodes;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Checks a cluster after a rebalance: every node agrees that each of the 16384 slots has exactly one owner,
 * no master holds a key of a slot it does not own, no key was lost (a writer may add some), and
 * cluster_state is ok on every node. Nodes learn the new owners by gossip: it waits for that, up to a limit.
 */
final class Verifier {
    private static final Duration CONVERGE = Duration.ofSeconds(20);

    private Verifier() {
    }

    static long totalKeys(Nodes nodes) {
        return nodes.masters().stream().mapToLong(m -> nodes.jedis(m).dbSize()).sum();
    }

    static RebalanceReport.Verification verify(Nodes nodes, long keysBefore) {
        long deadline = System.nanoTime() + CONVERGE.toNanos();
        List<String> problems;
        int covered;
        do {
            problems = new ArrayList<>();
            covered = agreement(nodes, problems);
            if (problems.isEmpty()) {
                break;
            }
            sleepBriefly();
        } while (System.nanoTime() < deadline);
        long misplaced = 0;
        for (ClusterNodes.Node master : nodes.masters()) {
            misplaced += misplaced(nodes.jedis(master), Nodes.slots(master));
        }
        if (misplaced > 0) {
            problems.add(misplaced + " keys sit on a master that does not own their slot");
        }
        long keysAfter = totalKeys(nodes);
        if (keysAfter < keysBefore) {
            problems.add((keysBefore - keysAfter) + " keys fewer than before (" + keysBefore + " → " + keysAfter + ")");
        }
        boolean ok = problems.stream().noneMatch(p -> p.startsWith("cluster_state"));
        return new RebalanceReport.Verification(covered, misplaced, keysBefore, keysAfter, ok, List.copyOf(problems));
    }

    /** Slots owned exactly once in the first master's view, and whether every node's view and state agree. */
    private static int agreement(Nodes nodes, List<String> problems) {
        List<ClusterNodes.Node> masters = nodes.masters();
        int[] owner = new int[16384];
        BitSet twice = new BitSet(16384);
        for (int i = 0; i < masters.size(); i++) {
            BitSet own = Nodes.slots(masters.get(i));
            for (int s = own.nextSetBit(0); s >= 0; s = own.nextSetBit(s + 1)) {
                if (owner[s] != 0) {
                    twice.set(s);
                }
                owner[s] = i + 1;
            }
        }
        int covered = 0;
        for (int s = 0; s < 16384; s++) {
            if (owner[s] != 0 && !twice.get(s)) {
                covered++;
            }
        }
        if (covered != 16384) {
            problems.add((16384 - covered) + " slots are not owned by exactly one master");
        }
        for (ClusterNodes.Node node : nodes.all()) {
            Jedis jedis = nodes.jedis(node);
            String state = Health.field(jedis.clusterInfo(), "cluster_state");
            if (!"ok".equals(state)) {
                problems.add("cluster_state is " + state + " on " + node.address());
            }
            for (ClusterNodes.Node seen : ClusterNodes.parse(jedis.clusterNodes(), node.host())) {
                if (seen.master() && !Nodes.slots(seen).isEmpty()) {
                    int index = indexOf(masters, seen.id());
                    BitSet own = Nodes.slots(seen);
                    for (int s = own.nextSetBit(0); s >= 0; s = own.nextSetBit(s + 1)) {
                        if (owner[s] != index + 1) {
                            problems.add(node.address() + " does not agree yet on the owner of slot " + s);
                            break;
                        }
                    }
                }
            }
        }
        return covered;
    }

    private static int indexOf(List<ClusterNodes.Node> masters, String id) {
        for (int i = 0; i < masters.size(); i++) {
            if (masters.get(i).id().equals(id)) {
                return i;
            }
        }
        return -2;
    }

    /** Keys this master holds in slots it does not own. */
    private static long misplaced(Jedis jedis, BitSet owned) {
        long total = 0;
        for (int from = 0; from < 16384; from += 2048) {
            Pipeline p = jedis.pipelined();
            List<Response<Object>> counts = new ArrayList<>();
            for (int s = from; s < from + 2048; s++) {
                if (!owned.get(s)) {
                    counts.add(p.sendCommand(Protocol.Command.CLUSTER, "COUNTKEYSINSLOT", Integer.toString(s)));
                }
            }
            p.sync();
            for (Response<Object> c : counts) {
                total += (Long) c.get();
            }
        }
        return total;
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
