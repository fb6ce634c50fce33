package dev.cachectl.lifecycle;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.config.Endpoint;
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
        if (state.nodes().stream().filter(NodeState::master).count() <= 1) {
            throw CachectlException.usage("node " + address + " is the last master of '" + name + "': stop the whole cluster with"
                    + " 'cachectl stop " + name + "'");
        }
        Engine engine = Engines.named(state.engine());
        int slots = engine.slotsServed(Lifecycle.endpointOf(state, node));
        if (slots > 0) {
            throw CachectlException.usage("node " + address + " of '" + name + "' still holds " + slots + " slots: move them off"
                    + " first with 'cachectl rebalance " + name + " --drain " + address + " --apply', then stop it with --node");
        }
        List<NodeState> removed = new ArrayList<>(List.of(node));
        removed.addAll(state.nodes().stream().filter(n -> !n.master() && Integer.valueOf(node.port()).equals(n.replicaOf())).toList());
        List<NodeState> remaining = state.nodes().stream().filter(n -> !removed.contains(n)).toList();
        List<String> notes = new ArrayList<>();
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

    /** The node {@code HOST:PORT} (or {@code PORT}) names, or exit 2 listing the cluster's nodes. */
    private static NodeState find(InstanceState state, String text) {
        String portText = text.substring(text.lastIndexOf(':') + 1);
        String host = text.contains(":") ? text.substring(0, text.lastIndexOf(':')) : state.host();
        boolean local = host.equals(state.host()) || host.equals("localhost") || host.equals("127.0.0.1");
        for (NodeState n : state.nodes()) {
            if (local && portText.equals(Integer.toString(n.port()))) {
                return n;
            }
        }
        throw CachectlException.usage("'" + state.name() + "' has no node " + text + " (its nodes: "
                + String.join(", ", state.nodes().stream().map(n -> n.address(state.host())).toList()) + ")");
    }

    private static void recordShape(Path dir, InstanceSettings s, ClusterShape shape) {
        new InstanceSettings(s.engine(), s.persist(), s.password(), s.tls(), shape.toString(), s.maxmemory(), s.policy()).write(dir);
    }
}
