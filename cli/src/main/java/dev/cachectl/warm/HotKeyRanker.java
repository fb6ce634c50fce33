package dev.cachectl.warm;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Finds the N hottest keys of a Redis by one SCAN: under an LFU eviction policy by {@code OBJECT FREQ}
 * (highest first), otherwise by {@code OBJECT IDLETIME} (most recently used first). Neither command
 * touches the key, so ranking does not disturb what it measures. A heap of N keys bounds memory
 * whatever the keyspace's size.
 */
final class HotKeyRanker {
    private static final int SCAN_COUNT = 1000;

    enum By { lfu, idle }

    /** {@code score}: the LFU counter, or seconds idle. */
    record Ranked(byte[] key, long score) {
    }

    /** {@code lookups}: keys asked about (each an OBJECT call, a keyspace hit or miss on the source); {@code scanned} of them answered. */
    record Ranking(By by, List<Ranked> keys, long scanned, long lookups) {
    }

    private HotKeyRanker() {
    }

    static By policyOf(Jedis source) {
        for (String line : source.info("memory").split("\r?\n")) {
            if (line.startsWith("maxmemory_policy:")) {
                return line.contains("lfu") ? By.lfu : By.idle;
            }
        }
        return By.idle;
    }

    static Ranking rank(Jedis source, int top) {
        By by = policyOf(source);
        // the root of the heap is the coldest key kept, the first to give way to a hotter one
        Comparator<Ranked> hotness = by == By.lfu ? Comparator.comparingLong(Ranked::score)
                : Comparator.comparingLong(Ranked::score).reversed();
        PriorityQueue<Ranked> heap = new PriorityQueue<>(top + 1, hotness);
        long scanned = 0;
        long lookups = 0;
        byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
        ScanParams params = new ScanParams().count(SCAN_COUNT);
        do {
            ScanResult<byte[]> page = source.scan(cursor, params);
            cursor = page.getCursorAsBytes();
            List<byte[]> keys = page.getResult();
            lookups += keys.size();
            List<Response<Long>> scores = new ArrayList<>(keys.size());
            try (Pipeline p = source.pipelined()) {
                for (byte[] key : keys) {
                    scores.add(by == By.lfu ? p.objectFreq(key) : p.objectIdletime(key));
                }
                p.sync();
            }
            for (int i = 0; i < keys.size(); i++) {
                Long score;
                try {
                    score = scores.get(i).get();
                } catch (JedisDataException e) {
                    continue; // deleted or expired since the scan saw it
                }
                if (score == null) {
                    continue;
                }
                scanned++;
                Ranked r = new Ranked(keys.get(i), score);
                if (heap.size() < top) {
                    heap.add(r);
                } else if (hotness.compare(r, heap.peek()) > 0) {
                    heap.poll();
                    heap.add(r);
                }
            }
        } while (!java.util.Arrays.equals(cursor, ScanParams.SCAN_POINTER_START_BINARY));
        List<Ranked> hottest = new ArrayList<>(heap);
        hottest.sort(hotness.reversed());
        return new Ranking(by, hottest, scanned, lookups);
    }
}
