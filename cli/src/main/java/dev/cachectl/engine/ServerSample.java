package dev.cachectl.engine;

import java.util.Map;

/**
 * One reading of a server's metrics, engine-neutral. Counters are cumulative since the server
 * started; {@code clientCommands} counts commands from clients other than cachectl's own probes,
 * so idle time can be measured without our probes keeping an instance alive. {@code clusterState}
 * is the node's view of its cluster ({@code ok} or {@code fail}), null for a server outside any;
 * {@code expiredKeys}: keys removed because their TTL ran out, since the server started.
 */
public record ServerSample(
        long takenAtMillis,
        String version,
        long pid,
        String runId,
        long uptimeSeconds,
        String role,
        long usedMemory,
        long maxmemory,
        String maxmemoryPolicy,
        Double fragmentation,
        Map<String, DbKeys> keyspace,
        long hits,
        long misses,
        long evictions,
        long opsPerSec,
        long totalCommands,
        long clients,
        long clientCommands,
        String clusterState,
        long expiredKeys) {

    public ServerSample(long takenAtMillis, String version, long pid, String runId, long uptimeSeconds, String role,
                        long usedMemory, long maxmemory, String maxmemoryPolicy, Double fragmentation,
                        Map<String, DbKeys> keyspace, long hits, long misses, long evictions, long opsPerSec,
                        long totalCommands, long clients, long clientCommands) {
        this(takenAtMillis, version, pid, runId, uptimeSeconds, role, usedMemory, maxmemory, maxmemoryPolicy,
                fragmentation, keyspace, hits, misses, evictions, opsPerSec, totalCommands, clients, clientCommands, null, 0);
    }

    public ServerSample withExpiredKeys(long expired) {
        return new ServerSample(takenAtMillis, version, pid, runId, uptimeSeconds, role, usedMemory, maxmemory,
                maxmemoryPolicy, fragmentation, keyspace, hits, misses, evictions, opsPerSec, totalCommands, clients,
                clientCommands, clusterState, expired);
    }

    public record DbKeys(long keys, long expires) {
    }

    public long keys() {
        return keyspace.values().stream().mapToLong(DbKeys::keys).sum();
    }

    public long expiringKeys() {
        return keyspace.values().stream().mapToLong(DbKeys::expires).sum();
    }

    public ServerSample withClusterState(String state) {
        return new ServerSample(takenAtMillis, version, pid, runId, uptimeSeconds, role, usedMemory, maxmemory,
                maxmemoryPolicy, fragmentation, keyspace, hits, misses, evictions, opsPerSec, totalCommands, clients,
                clientCommands, state, expiredKeys);
    }
}
