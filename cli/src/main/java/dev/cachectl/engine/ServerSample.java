package dev.cachectl.engine;

import java.util.Map;

/**
 * One reading of a server's metrics, engine-neutral. Counters are cumulative since the server
 * started; {@code clientCommands} counts commands from clients other than cachectl's own probes,
 * so idle time can be measured without our probes keeping an instance alive.
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
        long clientCommands) {

    public record DbKeys(long keys, long expires) {
    }

    public long keys() {
        return keyspace.values().stream().mapToLong(DbKeys::keys).sum();
    }

    public long expiringKeys() {
        return keyspace.values().stream().mapToLong(DbKeys::expires).sum();
    }
}
