package dev.cachectl.status;

import java.util.Map;

/**
 * One instance in {@code status}: every field an operator asks about, null where it does not apply
 * (an external instance has no pid we own, a down one has no memory). Rates over an interval are
 * present only when {@code --interval} took two samples.
 * <p>
 * A cluster ({@code cluster} is its shape), managed or named by an external {@code redis+cluster://}
 * URL, is one instance: up only when every node answers and reports the cluster ok (and, external, none
 * is flagged failing); memory, hits, misses, evictions, ops and clients are summed over its nodes,
 * keys over its masters; pid and port are its first node's (an external one's: its first seed's port),
 * and {@code nodes} details each node (null for a standalone server). {@code expiredKeys} and
 * {@code commandsProcessed} are the server's counters since it started (what Prometheus scrapes). {@code change}: see {@link Change}.
 */
public record InstanceStatus(
        String name,
        String engine,
        String kind,
        boolean up,
        String error,
        String url,
        Long pid,
        Integer port,
        String binary,
        String binarySource,
        String version,
        Long uptimeSeconds,
        String role,
        Long usedMemory,
        Long maxmemory,
        Double memoryPct,
        String maxmemoryPolicy,
        Double fragmentation,
        Map<String, Db> keyspace,
        Long keys,
        Long expiringKeys,
        Long hits,
        Long misses,
        Double hitRatio,
        Double hitRatioInterval,
        Long evictions,
        Double opsPerSec,
        Long clients,
        Long idleSeconds,
        Long idleTimeoutSeconds,
        String cluster,
        java.util.List<NodeStatus> nodes,
        Long expiredKeys,
        Long commandsProcessed,
        Change change) {

    public record Db(long keys, long expires) {
    }

    /** What changed over {@code --interval} (null without one): memory gained, keys evicted, hits and misses (ours discounted). */
    public record Change(double seconds, long usedMemory, long evictions, long hits, long misses) {
    }
}
