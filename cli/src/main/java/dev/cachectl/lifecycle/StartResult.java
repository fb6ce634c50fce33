package dev.cachectl.lifecycle;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.cachectl.config.Endpoint;

import java.util.List;

/**
 * What {@code start} did for one instance. {@code url} is redacted; the endpoint itself is kept for callers like
 * {@code run}. For a cluster, {@code pid} and {@code port} are its first node's and {@code nodes} lists them all
 * (null for a standalone server).
 */
public record StartResult(
        String name,
        Outcome outcome,
        String engine,
        String url,
        Long pid,
        Integer port,
        String binary,
        String binarySource,
        String version,
        List<String> notes,
        @JsonIgnore Endpoint endpoint,
        String cluster,
        List<Node> nodes) {

    public enum Outcome {
        STARTED, ALREADY_RUNNING, EXTERNAL, GROWN;

        /** In JSON as every command's outcomes are: lower case ({@code docs/schema/}). */
        @JsonValue
        public String json() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A cluster node as {@code start --json} shows it. */
    public record Node(int port, long pid, String role, Integer replicaOf) {
    }

    static StartResult of(String name, Outcome outcome, String engine, Endpoint endpoint, Long pid, Integer port,
                          String binary, String source, String version, List<String> notes) {
        return new StartResult(name, outcome, engine, endpoint.toString(), pid, port, binary, source, version,
                List.copyOf(notes), endpoint, null, null);
    }

    /** With the shape and nodes of a cluster's state; a standalone state leaves it as it is. */
    StartResult withNodes(InstanceState state) {
        if (!state.isCluster()) {
            return this;
        }
        List<Node> all = state.nodes().stream().map(n -> new Node(n.port(), n.pid(), n.role(), n.replicaOf())).toList();
        return new StartResult(name, outcome, engine, url, pid, port, binary, binarySource, version, notes, endpoint,
                state.cluster(), all);
    }

    /** The same result with the password shown in {@code url}, for {@code --show-password}. */
    public StartResult unredacted() {
        return new StartResult(name, outcome, engine, endpoint.secretUrl(), pid, port, binary, binarySource, version,
                notes, endpoint, cluster, nodes);
    }
}
