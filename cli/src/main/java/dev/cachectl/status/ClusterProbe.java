package dev.cachectl.status;

import dev.cachectl.CachectlException;
import dev.cachectl.engine.Engine;
import dev.cachectl.engine.ServerSample;
import dev.cachectl.redis.OwnReads;
import dev.cachectl.redis.RedisDetails;
import dev.cachectl.lifecycle.NodeState;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Samples every node of a cluster, managed or external, and sums the answers into one sample of the
 * instance, so that status reports a cluster like any instance: memory and traffic summed over all
 * nodes, keys over the masters only (replicas hold copies), the run ids together (a restarted node is
 * a new server), and a problem for each node that is down, flagged failing by the cluster, or does
 * not see the cluster ok.
 */
final class ClusterProbe {
    /** Commands one sample sends to a cluster node (INFO, then CLUSTER INFO); an interval discounts them. */
    static final int PROBE_COMMANDS_PER_NODE = 2;

    record Node(NodeTarget target, ServerSample sample, String error) {
        boolean master() {
            return sample != null ? "master".equals(sample.details().role()) : target.master();
        }
    }

    /**
     * {@code total} is null when no node answers; {@code problem} is null when the cluster is healthy.
     * {@code allDown}: no node answered.
     */
    record Result(ServerSample total, String problem, boolean allDown, List<Node> nodes) {
        int answered() {
            return (int) nodes.stream().filter(n -> n.sample() != null).count();
        }
    }

    private ClusterProbe() {
    }

    static Result probe(Engine engine, List<NodeTarget> targets, Duration timeout) {
        List<Node> nodes = new ArrayList<>();
        for (NodeTarget target : targets) {
            if (target.knownDown() != null) {
                nodes.add(new Node(target, null, target.knownDown()));
                continue;
            }
            try {
                nodes.add(new Node(target, engine.sample(target.endpoint(), timeout), null));
            } catch (CachectlException e) {
                nodes.add(new Node(target, null, e.getMessage()));
            }
        }
        List<String> problems = new ArrayList<>();
        for (Node n : nodes) {
            NodeTarget t = n.target();
            String who = "node " + t.address() + " (" + role(n) + (t.pid() == null ? "" : ", pid " + t.pid()) + ")";
            if (n.sample() == null) {
                problems.add(who + " is down: " + n.error() + (t.trouble() == null ? "" : " (flagged " + t.trouble() + ")"));
            } else if (t.trouble() != null) {
                problems.add(who + " " + flagged(t));
            } else if (!"ok".equals(clusterState(n.sample()))) {
                problems.add(who + " reports cluster_state:" + clusterState(n.sample()));
            }
        }
        boolean allDown = nodes.stream().allMatch(n -> n.sample() == null);
        String problem = problems.isEmpty() ? null
                : (allDown ? "cluster down: " : "cluster degraded: ") + String.join("; ", problems);
        return new Result(total(nodes), problem, allDown, nodes);
    }

    /** It answers us, but the node we asked for CLUSTER NODES does not count on it. */
    private static String flagged(NodeTarget t) {
        return "is flagged " + t.trouble() + " by the cluster";
    }

    private static ServerSample total(List<Node> nodes) {
        List<Node> answered = nodes.stream().filter(n -> n.sample() != null).toList();
        if (answered.isEmpty()) {
            return null;
        }
        ServerSample first = answered.get(0).sample();
        Map<String, ServerSample.DbKeys> keyspace = new LinkedHashMap<>();
        long used = 0, max = 0, hits = 0, misses = 0, evictions = 0, expired = 0, ops = 0, total = 0, clients = 0, commands = 0;
        long uptime = Long.MAX_VALUE, taken = 0;
        Double fragmentation = null;
        Long fragmentationBytes = null;
        for (Node n : answered) {
            ServerSample s = n.sample();
            RedisDetails r = RedisDetails.of(s.details());
            if (n.master()) {
                r.keyspace().forEach((db, k) -> keyspace.merge(db, k,
                        (a, b) -> new ServerSample.DbKeys(a.keys() + b.keys(), a.expires() + b.expires())));
            }
            used += s.usedMemory();
            max += s.maxmemory();
            hits += s.hits();
            misses += s.misses();
            evictions += r.evictions();
            expired += r.expiredKeys();
            ops += s.opsPerSec();
            total += s.totalCommands();
            clients += s.clients();
            commands += s.clientCommands();
            uptime = Math.min(uptime, s.uptimeSeconds());
            taken = Math.max(taken, s.takenAtMillis());
            // the worst node's ratio (an average would hide the one that needs attention), all nodes' bytes
            if (r.fragmentation() != null && (fragmentation == null || r.fragmentation() > fragmentation)) {
                fragmentation = r.fragmentation();
            }
            if (r.fragmentationBytes() != null) {
                fragmentationBytes = (fragmentationBytes == null ? 0 : fragmentationBytes) + r.fragmentationBytes();
            }
        }
        String runIds = String.join(",", answered.stream().map(n -> String.valueOf(n.sample().runId())).toList());
        String clusterState = answered.stream().map(n -> clusterState(n.sample())).filter(st -> !"ok".equals(st))
                .filter(Objects::nonNull).findFirst().orElse("ok");
        Long pid = nodes.get(0).target().pid();
        RedisDetails details = new RedisDetails("cluster", RedisDetails.of(first.details()).maxmemoryPolicy(), fragmentation,
                fragmentationBytes, keyspace, evictions, expired, clusterState);
        return new ServerSample(taken, first.version(), pid != null ? pid : first.pid(), runIds, uptime, used, max, clients,
                ops, total, commands, hits, misses, details);
    }

    private static String clusterState(ServerSample s) {
        return RedisDetails.of(s.details()).clusterState();
    }

    /** {@code own}: the hits and misses cachectl's own reads caused, by node address ({@code host:port}). */
    static List<NodeStatus> statuses(Result result, Map<String, long[]> own) {
        List<NodeStatus> statuses = new ArrayList<>();
        for (Node n : result.nodes()) {
            ServerSample s = n.sample();
            NodeTarget t = n.target();
            boolean replica = "replica".equals(role(n));
            String error = s == null ? n.error() : t.trouble() == null ? null : flagged(t);
            statuses.add(new NodeStatus(t.host(), t.port(), t.pid(), role(n), replica && !t.master() ? t.replicaOf() : null,
                    s != null, s == null ? null : clusterState(s), s == null ? null : s.details().keys(),
                    s == null ? null : s.usedMemory(), s == null ? null : s.details().fragmentation(),
                    s == null ? null : s.details().fragmentationBytes(), error, s == null ? null : metrics(s, own.get(t.address()))));
        }
        return statuses;
    }

    private static NodeStatus.Metrics metrics(ServerSample s, long[] own) {
        RedisDetails r = RedisDetails.of(s.details());
        long[] hm = OwnReads.discount(s.hits(), s.misses(), own == null ? new long[2] : own);
        // connected_clients counts the connection we sampled it on
        return new NodeStatus.Metrics(s.maxmemory(), r.expiringKeys(), Math.max(0, s.clients() - 1), hm[0], hm[1],
                r.evictions(), r.expiredKeys(), s.totalCommands());
    }

    /** The live role when the node answers (Redis says "slave"), else the role it was started or listed with. */
    private static String role(Node n) {
        return n.master() ? NodeState.MASTER : NodeState.REPLICA;
    }
}
