package dev.cachectl.status.analyze;

import dev.cachectl.util.KeyText;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * What the keys read from one db of one server add up to, unweighted: counts, MEMORY USAGE sums (and
 * sums of squares, for the error of a share) per namespace, type and TTL band, the biggest keys, the big ones,
 * and the keyspace hits and misses the reads caused there. Fed by one thread at a time.
 */
final class ShardTally {
    /** A key is big from this many elements (bytes for a string) or this much memory: DEL, MIGRATE and copies block on it. */
    static final long BIG_ELEMENTS = 10_000;
    static final long BIG_BYTES = 10L << 20;
    private static final int BIG_KEPT = 100;
    static final String[] TTL_BANDS = {"none", "under_1h", "under_1d", "longer"};

    /** Raw sums over the keys of one group. */
    static final class Sums {
        long n;
        double memory;
        double memorySquared;

        void add(long bytes) {
            n++;
            memory += bytes;
            memorySquared += (double) bytes * bytes;
        }
    }

    private record Candidate(byte[] key, String type, long memory, long elements, long ttlMillis) {
    }

    final String server;
    final int db;
    final long keys;
    final Sums all = new Sums();
    final Map<String, Sums> namespaces = new HashMap<>();
    final Map<String, Sums> types = new HashMap<>();
    final Sums[] ttl = {new Sums(), new Sums(), new Sums(), new Sums()};
    long hits;
    long misses;
    private final Namespaces names;
    private final int top;
    private final PriorityQueue<Candidate> biggest = new PriorityQueue<>((a, b) -> Long.compare(a.memory, b.memory));
    private final List<Candidate> big = new ArrayList<>();

    ShardTally(String server, int db, long keys, Namespaces names, int top) {
        this.server = server;
        this.db = db;
        this.keys = keys;
        this.names = names;
        this.top = top;
    }

    /** One key read: {@code elements} -1 where its type has no O(1) count, {@code ttlMillis} -1 without a TTL. */
    void add(byte[] key, String type, long memory, long elements, long ttlMillis) {
        all.add(memory);
        namespaces.computeIfAbsent(names.of(key), k -> new Sums()).add(memory);
        types.computeIfAbsent(type, k -> new Sums()).add(memory);
        ttl[band(ttlMillis)].add(memory);
        if (top > 0 && (biggest.size() < top || memory > biggest.peek().memory)) {
            biggest.add(new Candidate(key, type, memory, elements, ttlMillis));
            if (biggest.size() > top) {
                biggest.poll();
            }
        }
        if ((elements > BIG_ELEMENTS || memory > BIG_BYTES) && big.size() < BIG_KEPT) {
            big.add(new Candidate(key, type, memory, elements, ttlMillis));
        }
    }

    List<Analysis.BigKey> biggest() {
        return biggest.stream().map(this::bigKey).toList();
    }

    List<Analysis.BigKey> big() {
        return big.stream().map(this::bigKey).toList();
    }

    private Analysis.BigKey bigKey(Candidate c) {
        return new Analysis.BigKey(KeyText.readable(c.key()), server, db, c.type(), c.memory(),
                c.elements() < 0 ? null : c.elements(), c.ttlMillis() < 0 ? null : (c.ttlMillis() + 999) / 1000);
    }

    private static int band(long ttlMillis) {
        if (ttlMillis < 0) {
            return 0;
        }
        return ttlMillis < 3_600_000 ? 1 : ttlMillis < 86_400_000 ? 2 : 3;
    }
}
