package dev.cachectl.lifecycle;

import java.util.List;

/**
 * One server process of a managed instance, as recorded in its state file: enough to prove that a
 * live pid is still this server before signalling it, and to reach it. A standalone instance is
 * one node (its fields sit at the top of the state file); a cluster lists every node.
 * {@code role} is the role it was given at start ({@code master} or {@code replica}, with the port
 * of its master in {@code replicaOf}); status reports the live role, which a failover may change.
 * {@code processStartTicks} (from /proc, null in state files of older versions) is what identifies the process.
 */
public record NodeState(
        int port,
        long pid,
        long processStartMillis,
        String executable,
        List<String> commandLine,
        String role,
        Integer replicaOf,
        String nodeId,
        String runId,
        String configFile,
        String dataDir,
        String logFile,
        Long processStartTicks) {

    public static final String MASTER = "master";
    public static final String REPLICA = "replica";

    public boolean master() {
        return !REPLICA.equals(role);
    }

    /** "127.0.0.1:30001", how messages name a node. */
    public String address(String host) {
        return host + ":" + port;
    }
}
