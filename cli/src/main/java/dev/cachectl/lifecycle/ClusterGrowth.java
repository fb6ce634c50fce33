package dev.cachectl.lifecycle;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.config.Endpoint;
import dev.cachectl.engine.ClusterPeer;
import dev.cachectl.engine.ClusterShape;
import dev.cachectl.engine.Engine;
import dev.cachectl.engine.Engines;
import dev.cachectl.util.SecureFiles;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Growing and shrinking a running managed cluster. {@code start NAME --cluster N[xR]} with more masters
 * than it runs (the same replicas per master) adds empty masters and their replicas ({@link ClusterStart#grow});
 * a start with fewer masters is refused: {@code stop NAME --node HOST:PORT} removes one master, once it
 * serves no slot, with its replicas, and every remaining node forgets them. The state and the recorded
 * settings follow the new shape.
 */
final class ClusterGrowth {

    /** How long a node that an interrupted growth left running may take to stop. */
    private static final Duration LEFTOVER_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration PEERS_TIMEOUT = Duration.ofSeconds(5);

    private ClusterGrowth() {
    }

    /** True when {@code wanted} adds masters to {@code running} and keeps its replicas per master. */
    static boolean grows(ClusterShape running, ClusterShape wanted) {
        return wanted.masters() > running.masters() && wanted.replicas() == running.replicas();
    }

    /** True when a start of {@code spec} grows the running cluster {@code state}; exit 2 when it would shrink it. */
    static boolean grows(InstanceSpec spec, InstanceState state) {
        if (spec.cluster() == null || !state.isCluster()) {
            return false;
        }
        ClusterShape running = ClusterShape.parse(state.cluster());
        if (spec.cluster().masters() < running.masters()) {
            throw CachectlException.usage(noShrinkByStart(spec.name(), running, spec.cluster()));
        }
        return grows(running, spec.cluster());
    }

    static String noShrinkByStart(String name, ClusterShape running, ClusterShape wanted) {
        return "'" + name + "' is a cluster of " + running.masters() + " masters; a start does not remove masters (--cluster "
                + wanted + "): move a master's slots off with 'cachectl rebalance " + name + " --drain HOST:PORT --apply', then"
                + " remove it with 'cachectl stop " + name + " --node HOST:PORT'";
    }

    static StartResult grow(StateStore states, InstanceSpec spec, InstanceState state, Duration wait, Map<String, String> env,
                            List<String> notes, Runnable checkStop) {
        Engine engine = Engines.named(state.engine());
        InstanceSpec grown = spec.withPassword(state.password()).withTls(state.tlsCa() != null);
        Home home = states.home();
        dropLeftovers(states, state, notes);
        StartResult result = new ClusterStart(states, engine, grown, engine.settings(grown.server().values()),
                engine.resolveBinary(grown.binary(), env, home.root()),
                wait != null ? wait : Lifecycle.DEFAULT_CLUSTER_WAIT, notes, false, true, checkStop).grow(state);
        recordShape(home.instanceDir(spec.name()), InstanceSettings.read(home.instanceDir(spec.name()))
                .orElse(InstanceSettings.of(grown)), grown.cluster());
        return result;
    }

    static StopResult shrink(StateStore states, String name, String nodeText, Duration timeout) {
        InstanceState state = states.read(name).orElseThrow(() -> new CachectlException(ExitCode.DOWN,
                "'" + name + "' is not running: --node removes a node from a running cluster"));
        if (!state.isCluster()) {
            throw CachectlException.usage("'" + name + "' is a standalone server: --node removes a master from a cluster");
        }
        NodeState node = find(state, nodeText);
        String address = node.address(state.host());
        if (!node.master()) {
            throw CachectlException.usage("node " + address + " of '" + name + "' is a replica: --node removes a master,"
                    + " and its replicas with it");
        }
        ClusterShape shape = ClusterShape.parse(state.cluster());
        List<String> notes = new ArrayList<>();
        if (state.nodes().stream().filter(NodeState::master).count() <= 1) {
            throw CachectlException.usage("node " + address + " is the last master of '" + name + "': stop the whole cluster with"
                    + " 'cachectl stop " + name + "'");
        }
        Engine engine = Engines.named(state.engine());
        List<NodeState> others = state.nodes().stream().filter(n -> n != node).toList();
        // a node already gone (a stop of it was interrupted) cannot say what it serves: the others say it
        boolean gone = !ProcessIdentity.isServer(state, node);
        int slots = gone ? engine.clusterPeers(Lifecycle.endpointOf(state.withNodes(shape, others)), PEERS_TIMEOUT).stream()
                .filter(p -> p.id().equals(node.nodeId())).mapToInt(ClusterPeer::slots).sum()
                : engine.slotsServed(Lifecycle.endpointOf(state, node));
        if (gone && slots > 0) {
            throw new CachectlException(ExitCode.DOWN, "node " + address + " of '" + name + "' is not running and, by the other"
                    + " nodes, still holds " + slots + " slots: removing it would lose them; 'cachectl status " + name
                    + "' shows the cluster, 'cachectl stop " + name + "' stops it");
        }
        if (slots > 0) {
            throw CachectlException.usage("node " + address + " of '" + name + "' still holds " + slots + " slots: move them off"
                    + " first with 'cachectl rebalance " + name + " --drain " + address + " --apply', then stop it with --node");
        }
        if (gone) {
            notes.add("node " + address + " was no longer running (pid " + node.pid() + ")");
        }
        List<NodeState> removed = new ArrayList<>(List.of(node));
        removed.addAll(state.nodes().stream().filter(n -> !n.master() && Integer.valueOf(node.port()).equals(n.replicaOf())).toList());
        List<NodeState> remaining = state.nodes().stream().filter(n -> !removed.contains(n)).toList();
        new Shutdown(states).stopNodes(state, removed, timeout, notes);
        List<Endpoint> left = remaining.stream().map(n -> Lifecycle.endpointOf(state, n)).toList();
        engine.forgetNodes(left, removed.stream().map(NodeState::nodeId).filter(java.util.Objects::nonNull).toList());
        ClusterShape smaller = new ClusterShape(shape.masters() - 1, shape.replicas());
        InstanceState after = state.withNodes(smaller, remaining);
        states.write(after);
        Path dir = states.home().instanceDir(name);
        ActivityTracker.reset(dir, String.join(",", after.nodes().stream().map(NodeState::runId).toList()), 0,
                System.currentTimeMillis());
        removed.forEach(n -> SecureFiles.deleteTree(dir.resolve("node-" + n.port())));
        InstanceSettings.read(dir).ifPresent(s -> recordShape(dir, s, smaller));
        notes.add("removed node " + address + (removed.size() > 1 ? " and its " + (removed.size() - 1) + " replicas" : "")
                + "; every other node forgot " + (removed.size() > 1 ? "them" : "it") + "; the cluster now has "
                + smaller.masters() + " masters");
        return new StopResult(name, StopResult.Outcome.STOPPED, node.pid(), null, notes,
                removed.stream().map(NodeState::pid).toList());
    }

    /**
     * The nodes of an interrupted growth (a start killed after it launched them, before it recorded them): their
     * folders are in the instance's folder but not in its state, and they may have joined the cluster. Those still
     * running are stopped, the cluster's nodes forget those that joined, and their folders go. A node that joined
     * serves no slot (a new master gets none until a rebalance); one that does is kept (exit 2).
     */
    static void dropLeftovers(StateStore states, InstanceState state, List<String> notes) {
        Path dir = states.home().instanceDir(state.name());
        List<Integer> recorded = state.nodes().stream().map(NodeState::port).toList();
        List<Integer> leftover = ClusterStart.nodePorts(dir).stream().filter(p -> !recorded.contains(p)).toList();
        if (leftover.isEmpty()) {
            return;
        }
        new Shutdown(states).stopFound(state.name(), FolderServers.in(dir, state.engine()).stream()
                .filter(f -> leftover.contains(f.port())).toList(), LEFTOVER_TIMEOUT, notes);
        Engine engine = Engines.named(state.engine());
        List<ClusterPeer> joined = engine.clusterPeers(Lifecycle.endpointOf(state), PEERS_TIMEOUT).stream()
                .filter(p -> leftover.contains(p.port()) && local(state, p.host())).toList();
        for (ClusterPeer peer : joined) {
            if (peer.slots() > 0) {
                throw CachectlException.usage("node " + peer.host() + ":" + peer.port() + " of '" + state.name() + "', launched"
                        + " by an interrupted growth, holds " + peer.slots() + " slots: move them off with 'cachectl rebalance "
                        + state.name() + " --drain " + peer.host() + ":" + peer.port() + " --apply' first");
            }
        }
        if (!joined.isEmpty()) {
            engine.forgetNodes(state.nodes().stream().map(n -> Lifecycle.endpointOf(state, n)).toList(),
                    joined.stream().map(ClusterPeer::id).toList());
        }
        leftover.forEach(p -> SecureFiles.deleteTree(dir.resolve("node-" + p)));
        notes.add("removed node " + String.join(", ", leftover.stream().map(p -> state.host() + ":" + p).toList())
                + ", launched by an interrupted growth and never recorded: stopped, forgotten by the cluster, its folder deleted");
    }

    /** The node {@code HOST:PORT} (or {@code PORT}) names, or exit 2 listing the cluster's nodes. */
    private static NodeState find(InstanceState state, String text) {
        String portText = text.substring(text.lastIndexOf(':') + 1);
        String host = text.contains(":") ? text.substring(0, text.lastIndexOf(':')) : state.host();
        for (NodeState n : state.nodes()) {
            if (local(state, host) && portText.equals(Integer.toString(n.port()))) {
                return n;
            }
        }
        throw CachectlException.usage("'" + state.name() + "' has no node " + text + " (its nodes: "
                + String.join(", ", state.nodes().stream().map(n -> n.address(state.host())).toList()) + ")");
    }

    /** True when {@code host} names this machine as the cluster's nodes listen on it. */
    private static boolean local(InstanceState state, String host) {
        return host.equals(state.host()) || host.equals("localhost") || host.equals("127.0.0.1");
    }

    private static void recordShape(Path dir, InstanceSettings s, ClusterShape shape) {
        new InstanceSettings(s.engine(), s.persist(), s.password(), s.tls(), shape.toString(), s.maxmemory(), s.policy()).write(dir);
    }
}
