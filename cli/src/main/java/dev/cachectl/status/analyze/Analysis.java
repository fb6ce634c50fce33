package dev.cachectl.status.analyze;

import java.util.List;

/**
 * Where one instance's memory goes, from the keys read ({@code sampled} of {@code keys}; all of them when
 * {@code full}). Key counts and memory of every group are estimates for the whole keyspace: the sample
 * scaled by each server and db's key count. Each share comes with the half-width of its 95% confidence
 * interval ({@code ±}), 0 for a full scan. {@code keyMemory} is what MEMORY USAGE adds up to (estimated);
 * {@code usedMemory} what the servers report in all, allocator and buffers included.
 */
public record Analysis(
        boolean full,
        long keys,
        long sampled,
        double confidence,
        long usedMemory,
        long keyMemory,
        long millis,
        List<Group> namespaces,
        List<Group> types,
        List<Group> dbs,
        List<Group> ttl,
        List<BigKey> biggest,
        List<BigKey> bigKeys) {

    /** A namespace, type, db or TTL band: its estimated keys and memory, and their shares of the whole with their error. */
    public record Group(String name, long keys, double keysShare, double keysShareError, long memory,
                        double memoryShare, double memoryShareError) {
    }

    /**
     * One key: where it is ({@code server}, {@code db}), its MEMORY USAGE, its element count (bytes for a string;
     * null for a type without an O(1) count), and its TTL in seconds (null without one).
     */
    public record BigKey(String key, String server, int db, String type, long memory, Long elements, Long ttlSeconds) {
    }
}
