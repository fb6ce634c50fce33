package dev.cachectl.redis;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.config.Endpoint;
import dev.cachectl.engine.ClusterMember;
import dev.cachectl.engine.ClusterNodeException;
import dev.cachectl.engine.ClusterShape;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * Forms a Redis Cluster from freshly started, empty nodes, as {@code redis-cli --cluster create} does
 * but without needing redis-cli: the 16384 slots split evenly over the masters (ADDSLOTSRANGE from
 * Redis 7, ADDSLOTS before), a distinct config epoch per node so that no epoch collision has to be
 * settled later, every node MEETs every other, and once every node knows every other, each replica
 * REPLICATEs its master. Then it waits until every node reports {@code cluster_state:ok} and every
 * replica's link to its master is up. Nodes that already carry the cluster's configuration (a kept
 * cluster started again) are only waited for.
 */
final class RedisClusterFormation {
    static final int SLOTS = 16384;
    static final int BUS_PORT_OFFSET = 10000;
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);
    private static final long POLL_MILLIS = 50;

    private final List<Endpoint> nodes;
    private final ClusterShape shape;
    private final long deadline;
    private final Runnable stillRunning;
    private final List<Jedis> connections = new ArrayList<>();

    private RedisClusterFormation(List<Endpoint> nodes, ClusterShape shape, Duration wait, Runnable stillRunning) {
        this.nodes = nodes;
        this.shape = shape;
        this.deadline = System.nanoTime() + wait.toNanos();
        this.stillRunning = stillRunning;
    }

    static List<ClusterMember> form(List<Endpoint> nodes, ClusterShape shape, Duration wait, Runnable stillRunning) {
        if (nodes.size() != shape.nodes()) {
            throw new IllegalArgumentException(shape + " needs " + shape.nodes() + " nodes, got " + nodes.size());
        }
        RedisClusterFormation formation = new RedisClusterFormation(nodes, shape, wait, stillRunning);
        try {
            return formation.run();
        } finally {
            formation.connections.forEach(Jedis::close);
        }
    }

    /**
     * Grows a running cluster: each added (fresh) node MEETs a node of the cluster; once every node knows
     * every other, the added replicas REPLICATE their new masters (round robin over the first
     * {@code masters} added). The new masters serve no slot until a rebalance gives them some.
     */
    static List<ClusterMember> grow(List<Endpoint> existing, List<Endpoint> added, int masters, Duration wait,
                                    Runnable stillRunning) {
        List<Endpoint> all = new ArrayList<>(existing);
        all.addAll(added);
        RedisClusterFormation formation = new RedisClusterFormation(all, null, wait, stillRunning);
        try {
            formation.openAll();
            int first = existing.size();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
                ids.add(formation.call(i, Jedis::clusterMyId));
            }
            for (int i = first; i < all.size(); i++) {
                if (!fresh(RedisInfo.parse(formation.call(i, Jedis::clusterInfo)))) {
                    throw new ClusterNodeException(i, ExitCode.FAILED, formation.name(i) + " already belongs to a cluster", null);
                }
                Endpoint seed = existing.get(0);
                formation.call(i, j -> j.clusterMeet(seed.host(), seed.port()));
            }
            formation.await("does not know every other node", formation::missingPeers);
            for (int i = first + masters; i < all.size(); i++) {
                String masterId = ids.get(first + (i - first - masters) % masters);
                formation.call(i, j -> j.clusterReplicate(masterId));
            }
            formation.await("is not healthy", formation::unhealthy);
            List<ClusterMember> members = formation.members(ids).subList(first, all.size());
            return members.stream().map(m -> new ClusterMember(m.nodeId(), m.role(),
                    m.masterIndex() < 0 ? -1 : m.masterIndex() - first)).toList();
        } finally {
            formation.connections.forEach(Jedis::close);
        }
    }

    /** The slots a node serves, from its own line of CLUSTER NODES. */
    static int slotsServed(Endpoint node) {
        try (Jedis jedis = RedisClients.open(node, COMMAND_TIMEOUT)) {
            return ClusterNodes.parse(jedis.clusterNodes(), node.host()).stream().filter(n -> n.flags().contains("myself"))
                    .mapToInt(ClusterNodes.Node::slotCount).sum();
        } catch (JedisException e) {
            throw RedisClients.translate(node, e);
        }
    }

    /** CLUSTER FORGET of each removed node on every remaining one (within the minute a FORGET keeps it away). */
    static void forget(List<Endpoint> remaining, List<String> forgotten) {
        for (Endpoint node : remaining) {
            try (Jedis jedis = RedisClients.open(node, COMMAND_TIMEOUT)) {
                Set<String> known = new HashSet<>(jedis.clusterNodes().lines().map(l -> l.split(" ")[0]).toList());
                for (String id : forgotten) {
                    if (known.contains(id)) {
                        jedis.clusterForget(id);
                    }
                }
            } catch (JedisException e) {
                throw RedisClients.translate(node, e);
            }
        }
    }

    private void openAll() {
        for (int i = 0; i < nodes.size(); i++) {
            int node = i;
            connections.add(call(node, ignored -> RedisClients.open(nodes.get(node), COMMAND_TIMEOUT)));
        }
    }

    private List<ClusterMember> run() {
        openAll();
        List<String> ids = new ArrayList<>();
        List<RedisInfo> infos = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            ids.add(call(i, Jedis::clusterMyId));
            infos.add(RedisInfo.parse(call(i, Jedis::clusterInfo)));
        }
        if (infos.stream().allMatch(RedisClusterFormation::fresh)) {
            assignSlots();
            for (int i = 0; i < nodes.size(); i++) {
                long epoch = i + 1;
                call(i, j -> j.clusterSetConfigEpoch(epoch));
            }
            // every pair once, directly: waiting for gossip to introduce the last nodes can take seconds
            for (int i = 1; i < nodes.size(); i++) {
                for (int k = 0; k < i; k++) {
                    Endpoint peer = nodes.get(k);
                    call(i, j -> j.clusterMeet(peer.host(), peer.port()));
                }
            }
            await("does not know every other node", this::missingPeers);
            announceSlots();
            for (int i = shape.masters(); i < nodes.size(); i++) {
                String masterId = ids.get(shape.masterOf(i));
                call(i, j -> j.clusterReplicate(masterId));
            }
        } else {
            for (int i = 0; i < nodes.size(); i++) {
                if (infos.get(i).number("cluster_known_nodes") != nodes.size()) {
                    throw new ClusterNodeException(i, ExitCode.FAILED, name(i) + " carries the configuration of another cluster ("
                            + infos.get(i).number("cluster_known_nodes") + " known nodes, "
                            + infos.get(i).number("cluster_slots_assigned") + " slots assigned, expected "
                            + nodes.size() + " nodes); remove the kept data with 'cachectl stop NAME --purge'", null);
                }
            }
        }
        await("is not healthy", this::unhealthy);
        return members(ids);
    }

    /** A node that knows only itself and serves no slot. */
    private static boolean fresh(RedisInfo info) {
        return info.number("cluster_known_nodes") <= 1 && info.number("cluster_slots_assigned") == 0;
    }

    private void assignSlots() {
        boolean ranges = majorVersion() >= 7;
        for (int i = 0; i < shape.masters(); i++) {
            int from = (int) ((long) i * SLOTS / shape.masters());
            int to = (int) ((long) (i + 1) * SLOTS / shape.masters()) - 1;
            if (ranges) {
                call(i, j -> j.clusterAddSlotsRange(from, to));
            } else {
                call(i, j -> j.clusterAddSlots(IntStream.rangeClosed(from, to).toArray()));
            }
        }
    }

    /**
     * A handshake does not carry slots: without help, a node learns which slots a new peer serves from that
     * peer's next regular ping, up to half the node timeout later. A MEET from a known node is read with the
     * slots in its header, so each master meets every other node once more and they all learn its slots now.
     */
    private void announceSlots() {
        for (int m = 0; m < shape.masters(); m++) {
            for (int i = 0; i < nodes.size(); i++) {
                if (i != m) {
                    Endpoint peer = nodes.get(i);
                    call(m, j -> j.clusterMeet(peer.host(), peer.port()));
                }
            }
        }
    }

    private int majorVersion() {
        String version = String.valueOf(RedisInfo.parse(call(0, j -> j.info("server"))).get("redis_version"));
        try {
            return Integer.parseInt(version.substring(0, version.indexOf('.')));
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** The first node that does not yet know all the others, with what it lacks; empty when all do. */
    private Optional<String> missingPeers(int node) {
        long known = call(node, Jedis::clusterNodes).lines()
                .map(line -> line.split(" "))
                .filter(f -> f.length > 2 && !f[2].contains("handshake") && !f[2].contains("noaddr"))
                .count();
        return known == nodes.size() ? Optional.empty() : Optional.of("knows " + known + " of " + nodes.size() + " nodes");
    }

    /** What is wrong with a node: its view of the cluster is not ok, or it is a replica without a link to its master. */
    private Optional<String> unhealthy(int node) {
        String state = RedisInfo.parse(call(node, Jedis::clusterInfo)).get("cluster_state");
        if (!"ok".equals(state)) {
            return Optional.of("reports cluster_state:" + state);
        }
        RedisInfo replication = RedisInfo.parse(call(node, j -> j.info("replication")));
        if ("slave".equals(replication.get("role")) && !"up".equals(replication.get("master_link_status"))) {
            return Optional.of("has no link to its master " + replication.get("master_host") + ":"
                    + replication.get("master_port") + " (master_link_status:" + replication.get("master_link_status") + ")");
        }
        return Optional.empty();
    }

    /** Every node's id and live role, from its own line ({@code myself}) of CLUSTER NODES. */
    private List<ClusterMember> members(List<String> ids) {
        List<ClusterMember> members = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            String[] myself = call(i, Jedis::clusterNodes).lines().map(l -> l.split(" "))
                    .filter(f -> f.length > 3 && f[2].contains("myself")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("CLUSTER NODES without a 'myself' line"));
            boolean replica = myself[2].contains("slave");
            members.add(new ClusterMember(ids.get(i), replica ? "replica" : "master", replica ? ids.indexOf(myself[3]) : -1));
        }
        return members;
    }

    private interface Check {
        Optional<String> problem(int node);
    }

    /** Polls every node until none has a problem; at the deadline, names the first node that still has one. */
    private void await(String what, Check check) {
        while (true) {
            stillRunning.run();
            Optional<String> problem = Optional.empty();
            int node = 0;
            for (; node < nodes.size() && problem.isEmpty(); node++) {
                problem = check.problem(node);
            }
            if (problem.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                int failing = node - 1;
                throw new ClusterNodeException(failing, ExitCode.FAILED, "the cluster did not form in time: "
                        + name(failing) + " " + problem.get()
                        + "; every node was stopped (raise --wait if the machine is slow)", null);
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CachectlException(ExitCode.INTERRUPTED, "interrupted");
            }
        }
    }

    /**
     * One command to one node. A failure is first checked against the processes (a node that exited
     * says so with its log), then reported as this node's.
     */
    private <T> T call(int node, Function<Jedis, T> command) {
        try {
            return command.apply(node < connections.size() ? connections.get(node) : null);
        } catch (JedisException e) {
            stillRunning.run();
            CachectlException cause = RedisClients.translate(nodes.get(node), e);
            throw new ClusterNodeException(node, cause.exitCode(), "forming the cluster failed at " + name(node)
                    + ": " + cause.getMessage(), e);
        } catch (ClusterNodeException e) {
            throw e;
        } catch (CachectlException e) {
            stillRunning.run();
            throw new ClusterNodeException(node, e.exitCode(), "forming the cluster failed at " + name(node) + ": "
                    + e.getMessage(), e);
        }
    }

    private String name(int node) {
        Endpoint e = nodes.get(node);
        return "node " + e.host() + ":" + e.port();
    }
}
