package dev.cachectl.status;

import dev.cachectl.config.Endpoint;
import dev.cachectl.engine.ClusterPeer;
import dev.cachectl.lifecycle.InstanceState;
import dev.cachectl.lifecycle.Lifecycle;
import dev.cachectl.lifecycle.NodeState;
import dev.cachectl.lifecycle.ProcessIdentity;

import java.util.List;

/**
 * One cluster node for {@link ClusterProbe} to sample, and what is known of it before asking: a managed
 * node's pid and whether its process is still there ({@code knownDown}, which spares a probe), an
 * external node's {@code trouble} as the cluster itself reports it. {@code master} and {@code replicaOf}
 * are the role it was started with or listed with, which stands when it does not answer.
 */
record NodeTarget(String host, int port, Endpoint endpoint, Long pid, boolean master, Integer replicaOf,
                  String knownDown, String trouble) {

    static List<NodeTarget> managed(InstanceState state) {
        return state.nodes().stream().map(node -> new NodeTarget(state.host(), node.port(),
                Lifecycle.endpointOf(state, node), node.pid(), node.master(), node.replicaOf(), gone(node), null)).toList();
    }

    /** External nodes have no pid of ours: only the cluster's view and their own answer say whether they are up. */
    static List<NodeTarget> external(List<ClusterPeer> peers) {
        return peers.stream().map(p -> new NodeTarget(p.host(), p.port(), p.endpoint(), null, p.master(), p.replicaOf(),
                null, p.trouble())).toList();
    }

    String address() {
        return host + ":" + port;
    }

    private static String gone(NodeState node) {
        if (ProcessIdentity.isLive(node)) {
            return null;
        }
        return ProcessIdentity.of(node.pid()).isPresent()
                ? "pid " + node.pid() + " now belongs to another process"
                : "process " + node.pid() + " is gone (crashed or killed)";
    }
}
