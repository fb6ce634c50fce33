package dev.cachectl.lifecycle;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.cachectl.engine.ClusterShape;

import java.util.List;

/**
 * The state file of a running managed instance ({@code state.json}, 0600): enough to reach it,
 * to prove that a live pid is still this server before signalling it, and to show where it lives.
 * The password is here (never on a command line) because status and stop must authenticate.
 * <p>
 * A cluster ({@code cluster} is its shape, e.g. {@code 3x1}) lists every node in {@code nodes};
 * the top-level pid, port, files and run id are then those of its first node, so that readers of a
 * standalone state keep working. For a standalone instance both fields are null.
 * {@code startedByRun}: see {@link #withStartedByRun}.
 */
public record InstanceState(
        String name,
        String engine,
        long pid,
        long processStartMillis,
        List<String> commandLine,
        String binary,
        String executable,
        String binarySource,
        String version,
        String host,
        int port,
        String password,
        String configFile,
        String dataDir,
        String logFile,
        boolean persist,
        Long idleTimeoutMillis,
        long startedAtMillis,
        String runId,
        String cluster,
        List<NodeState> nodes,
        String tlsCa,
        Long processStartTicks,
        boolean startedByRun) {

    /** A standalone instance. */
    public InstanceState(String name, String engine, long pid, long processStartMillis, List<String> commandLine,
                         String binary, String executable, String binarySource, String version, String host, int port,
                         String password, String configFile, String dataDir, String logFile, boolean persist,
                         Long idleTimeoutMillis, long startedAtMillis, String runId) {
        this(name, engine, pid, processStartMillis, commandLine, binary, executable, binarySource, version, host, port,
                password, configFile, dataDir, logFile, persist, idleTimeoutMillis, startedAtMillis, runId, null, null, null, null, false);
    }

    /** A cluster: the top-level process fields come from its first node. */
    static InstanceState cluster(String name, String engine, String binary, String binarySource, String version,
                                 String password, String dataDir, boolean persist, Long idleTimeoutMillis,
                                 long startedAtMillis, ClusterShape shape, List<NodeState> nodes) {
        NodeState first = nodes.get(0);
        return new InstanceState(name, engine, first.pid(), first.processStartMillis(), first.commandLine(), binary,
                first.executable(), binarySource, version, "127.0.0.1", first.port(), password, first.configFile(),
                dataDir, first.logFile(), persist, idleTimeoutMillis, startedAtMillis, first.runId(), shape.toString(),
                List.copyOf(nodes), null, first.processStartTicks(), false);
    }

    /** The same cluster with other nodes (grown or shrunk): the top-level process fields follow its first node. */
    InstanceState withNodes(ClusterShape shape, List<NodeState> newNodes) {
        NodeState first = newNodes.get(0);
        return new InstanceState(name, engine, first.pid(), first.processStartMillis(), first.commandLine(), binary,
                first.executable(), binarySource, version, host, first.port(), password, first.configFile(), dataDir,
                first.logFile(), persist, idleTimeoutMillis, startedAtMillis, first.runId(), shape.toString(),
                List.copyOf(newNodes), tlsCa, first.processStartTicks(), startedByRun);
    }

    public InstanceState withRunId(String id) {
        return new InstanceState(name, engine, pid, processStartMillis, commandLine, binary, executable, binarySource, version,
                host, port, password, configFile, dataDir, logFile, persist, idleTimeoutMillis, startedAtMillis, id,
                cluster, nodes, tlsCa, processStartTicks, startedByRun);
    }

    /** The process's start time in clock ticks since boot, which identifies it where the millisecond start time may drift. */
    public InstanceState withStartTicks(long ticks) {
        return new InstanceState(name, engine, pid, processStartMillis, commandLine, binary, executable, binarySource, version,
                host, port, password, configFile, dataDir, logFile, persist, idleTimeoutMillis, startedAtMillis, runId,
                cluster, nodes, tlsCa, ticks < 0 ? null : ticks, startedByRun);
    }

    /** Served over TLS only, trusted by the CA certificate in the PEM file {@code ca}. */
    public InstanceState withTlsCa(String ca) {
        return new InstanceState(name, engine, pid, processStartMillis, commandLine, binary, executable, binarySource, version,
                host, port, password, configFile, dataDir, logFile, persist, idleTimeoutMillis, startedAtMillis, runId,
                cluster, nodes, ca, processStartTicks, startedByRun);
    }

    /** Stopped by the supervisor after {@code millis} without a client command; null: never. */
    public InstanceState withIdleTimeout(Long millis) {
        return new InstanceState(name, engine, pid, processStartMillis, commandLine, binary, executable, binarySource, version,
                host, port, password, configFile, dataDir, logFile, persist, millis, startedAtMillis, runId,
                cluster, nodes, tlsCa, processStartTicks, startedByRun);
    }

    /**
     * Started by a {@code cachectl run} (without {@code --keep}), which stops it when the last run using it ends;
     * false for one started by hand, which runs never stop ({@link RunLeases}).
     */
    public InstanceState withStartedByRun(boolean byRun) {
        return new InstanceState(name, engine, pid, processStartMillis, commandLine, binary, executable, binarySource, version,
                host, port, password, configFile, dataDir, logFile, persist, idleTimeoutMillis, startedAtMillis, runId,
                cluster, nodes, tlsCa, processStartTicks, byRun);
    }

    @JsonIgnore
    public boolean isCluster() {
        return nodes != null;
    }

    /** Every server process of the instance: the cluster's nodes, or the one standalone server. */
    @JsonIgnore
    public List<NodeState> servers() {
        if (nodes != null) {
            return nodes;
        }
        return List.of(new NodeState(port, pid, processStartMillis, executable, commandLine, NodeState.MASTER, null,
                null, runId, configFile, dataDir, logFile, processStartTicks));
    }
}
