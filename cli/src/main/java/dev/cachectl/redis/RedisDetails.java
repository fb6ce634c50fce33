package dev.cachectl.redis;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.cachectl.engine.ServerSample;
import dev.cachectl.engine.ServerSample.DbKeys;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a Redis sample says beyond the core: its role, eviction policy, fragmentation (the ratio, and the bytes it
 * wastes, from one sample the server takes every 100 ms), keys per database,
 * evictions, keys expired since it started, and its view of its cluster ({@code ok} or {@code fail}; null outside
 * one). In {@code status --json} these are an instance's own fields (role, maxmemory_policy, fragmentation,
 * fragmentation_bytes, keyspace, keys, expiring_keys, evictions, expired_keys), all null when the instance is down.
 */
public record RedisDetails(
        String role,
        String maxmemoryPolicy,
        Double fragmentation,
        Long fragmentationBytes,
        Map<String, DbKeys> keyspace,
        Long evictions,
        Long expiredKeys,
        @JsonIgnore String clusterState) implements ServerSample.Details {

    /** A Redis instance that did not answer: every field unknown. */
    public static final RedisDetails UNKNOWN = new RedisDetails(null, null, null, null, null, null, null, null);

    /** These details as Redis's, or {@link #UNKNOWN} for another engine's. */
    public static RedisDetails of(ServerSample.Details details) {
        return details instanceof RedisDetails r ? r : UNKNOWN;
    }

    @Override
    @JsonProperty("keys")
    public Long keys() {
        return keyspace == null ? null : keyspace.values().stream().mapToLong(DbKeys::keys).sum();
    }

    @Override
    @JsonProperty("expiring_keys")
    public Long expiringKeys() {
        return keyspace == null ? null : keyspace.values().stream().mapToLong(DbKeys::expires).sum();
    }

    /** Its databases, one line, when it uses more than one. */
    @Override
    public List<String> lines() {
        if (keyspace == null || keyspace.size() < 2) {
            return List.of();
        }
        List<String> dbs = new ArrayList<>();
        keyspace.forEach((db, k) -> dbs.add(db + " " + k.keys() + " keys, " + k.expires() + " expiring"));
        return List.of(String.join("; ", dbs));
    }
}
