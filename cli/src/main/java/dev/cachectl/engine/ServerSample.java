package dev.cachectl.engine;

import com.fasterxml.jackson.annotation.JsonAnyGetter;

import java.util.List;
import java.util.Map;

/**
 * One reading of a server's metrics: an engine-neutral core plus the {@link Details} its engine renders.
 * Counters are cumulative since the server started. A field the server does not report is null.
 * <ul>
 * <li>{@code runId}: changes when the server restarts (Redis's run_id; another engine builds one from its pid
 * and start time), so that counters are only compared within one run.</li>
 * <li>{@code usedMemory}, {@code maxmemory}: bytes the server uses, and the limit it was given (0 for none).</li>
 * <li>{@code clients}: open client connections, the probe's own included.</li>
 * <li>{@code opsPerSec}: the server's own current rate when it has one; else null, and status rates
 * {@code clientCommands} over {@code --interval}.</li>
 * <li>{@code totalCommands}: every command or operation served, cachectl's probes included.</li>
 * <li>{@code clientCommands}: the same less cachectl's own probes, so that idle time can be measured without
 * our probes keeping an instance alive.</li>
 * <li>{@code hits}, {@code misses}: the lookups a hit ratio is made of, where one means something (Redis: keyspace
 * hits and misses; MongoDB: cache pages found in the cache and pages read into it); null otherwise.</li>
 * </ul>
 */
public record ServerSample(
        long takenAtMillis,
        String version,
        long pid,
        String runId,
        long uptimeSeconds,
        Long usedMemory,
        Long maxmemory,
        long clients,
        Long opsPerSec,
        Long totalCommands,
        long clientCommands,
        Long hits,
        Long misses,
        Details details) {

    /**
     * What only the engine knows and renders. A status shows it flat among an instance's JSON fields
     * (its properties are unwrapped there, so an engine nests its own under one name, e.g. {@code mongo}),
     * and in text as the table's engine columns and lines under the instance's row.
     * Implementations are records whose JSON properties are what {@code --json} shows.
     */
    public interface Details {
        /** The instance's role: master, replica, cluster, primary… (null when unknown). */
        default String role() {
            return null;
        }

        /** Items it holds (Redis keys, MongoDB documents); null when unknown. */
        default Long keys() {
            return null;
        }

        /** Items with an expiry; null where that does not apply. */
        default Long expiringKeys() {
            return null;
        }

        /** Items it dropped to stay in its memory limit; null where that does not apply. */
        default Long evictions() {
            return null;
        }

        /** Memory fragmentation ratio; null where that does not apply. */
        default Double fragmentation() {
            return null;
        }

        /**
         * Memory the process holds beyond what the server uses, from the same sample as {@link #fragmentation()}
         * (negative when the system swapped some out); null where that does not apply.
         */
        default Long fragmentationBytes() {
            return null;
        }

        /** Lines shown under the instance's row in {@code status}. */
        default List<String> lines() {
            return List.of();
        }

        /** For an engine that says nothing more than the core. */
        Details NONE = new None();
    }

    /** No fields: in JSON, nothing. */
    private static final class None implements Details {
        @JsonAnyGetter
        Map<String, Object> fields() {
            return Map.of();
        }
    }

    /** Keys and keys with a TTL of one Redis database ({@code db0}). */
    public record DbKeys(long keys, long expires) {
    }

    /** The core of a sample taken now, for an engine whose server has no cumulative command or hit counters. */
    public static ServerSample of(String version, long pid, String runId, long uptimeSeconds, Long usedMemory,
                                  long clients, Details details) {
        return new ServerSample(System.currentTimeMillis(), version, pid, runId, uptimeSeconds, usedMemory, null, clients,
                null, null, 0, null, null, details);
    }

    /** The same reading with other details. */
    public ServerSample withDetails(Details other) {
        return new ServerSample(takenAtMillis, version, pid, runId, uptimeSeconds, usedMemory, maxmemory, clients,
                opsPerSec, totalCommands, clientCommands, hits, misses, other);
    }
}
