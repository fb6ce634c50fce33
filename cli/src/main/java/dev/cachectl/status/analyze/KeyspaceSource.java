package dev.cachectl.status.analyze;

import dev.cachectl.batch.RateLimiter;

import java.util.List;
import java.util.Map;

/**
 * The engine-specific half of an analysis: which servers and dbs hold keys, and reading a bounded
 * number of keys of one of them into a {@link ShardTally}. Redis's is {@link RedisKeyspace}.
 */
interface KeyspaceSource {

    /** One server to read (a standalone server, or a master of a cluster) and its key count per db. */
    record Server(String address, String runId, long usedMemory, Map<Integer, Long> dbKeys) {
    }

    List<Server> servers();

    /** Reads up to {@code quota} keys of {@code db} on {@code server} (its size, type, TTL and element count) into {@code tally}. */
    void read(Server server, int db, long quota, ShardTally tally, RateLimiter rate);
}
