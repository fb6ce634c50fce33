package dev.cachectl.status;

import java.util.Map;

/**
 * One instance in {@code status}: every field an operator asks about, null where it does not apply
 * (an external instance has no pid we own, a down one has no memory). Rates over an interval are
 * present only when {@code --interval} took two samples.
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
        Long idleTimeoutSeconds) {

    public record Db(long keys, long expires) {
    }
}
