package dev.cachectl.redis.copy;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads what a copy needs of each key: its absolute expiry, its size (MEMORY USAGE), and its DUMP
 * payload unless the size says it may be big. On a standalone source this is one script call per
 * unit: the server does the per-key work and sends one reply, instead of three replies per key. A
 * cluster node cannot run a script over keys of several slots, so there it is a pipeline.
 * <p>
 * The expiry is PEXPIRETIME on Redis 7.0+: the source's own absolute time, exact, as the snapshot
 * reader finds it in the RDB and a live follow in the replicated PEXPIREAT (all of them, like any
 * RESTORE … ABSTTL, count on the servers' clocks agreeing). An older source only tells PTTL,
 * measured at some moment between sending the request and its reply: it is added to the time the
 * reply arrived, never to the time the request left, so a copy may expire a few milliseconds after
 * its source but never before.
 */
final class SourceReader {
    /**
     * KEYS: the unit's keys; ARGV[1]: the size above which a key is not dumped here; ARGV[2]: the
     * total size of payloads one reply may carry (the rest is dumped later, in capped groups);
     * ARGV[3]: PEXPIRETIME or PTTL. Per key: {expiry, size, dump}.
     */
    private static final byte[] READ = ("""
            local limit = tonumber(ARGV[1])
            local budget = tonumber(ARGV[2])
            local out = {}
            for i, k in ipairs(KEYS) do
              local ttl = redis.call(ARGV[3], k)
              local size = false
              local dump = false
              if ttl ~= -2 then
                size = redis.call('MEMORY', 'USAGE', k) or false
                if size and size <= limit and size <= budget then
                  dump = redis.call('DUMP', k) or false
                  budget = budget - size
                end
              end
              out[i] = {ttl, size, dump}
            end
            return out
            """).getBytes(StandardCharsets.US_ASCII);

    /**
     * One key as read: {@code expireAt} its absolute expiry in unix ms, 0 for none, -2 when the key is
     * gone; {@code size} null when the key is gone; {@code payload} null when not dumped.
     */
    record Read(long expireAt, Long size, byte[] payload) {
        boolean gone() {
            return expireAt == -2;
        }
    }

    private SourceReader() {
    }

    /** {@code expireTimes}: the source knows PEXPIRETIME (Redis 7.0+). */
    static List<Read> read(Jedis source, List<byte[]> keys, boolean scripted, boolean expireTimes, long dumpLimit,
                           long budget) {
        return scripted ? script(source, keys, expireTimes, dumpLimit, budget)
                : pipeline(source, keys, expireTimes, dumpLimit, budget);
    }

    /** True when a server of this version ({@code redis_version}) answers PEXPIRETIME. */
    static boolean knowsExpireTime(String redisVersion) {
        return Target.versionAtLeast(redisVersion, 7, 0);
    }

    @SuppressWarnings("unchecked")
    private static List<Read> script(Jedis source, List<byte[]> keys, boolean expireTimes, long dumpLimit, long budget) {
        byte[][] args = new byte[keys.size() + 3][];
        for (int i = 0; i < keys.size(); i++) {
            args[i] = keys.get(i);
        }
        args[keys.size()] = Long.toString(dumpLimit).getBytes(StandardCharsets.US_ASCII);
        args[keys.size() + 1] = Long.toString(budget).getBytes(StandardCharsets.US_ASCII);
        args[keys.size() + 2] = (expireTimes ? "PEXPIRETIME" : "PTTL").getBytes(StandardCharsets.US_ASCII);
        List<Object> replies = (List<Object>) source.eval(READ, keys.size(), args);
        long replied = System.currentTimeMillis();
        List<Read> reads = new ArrayList<>(keys.size());
        for (Object reply : replies) {
            List<Object> r = (List<Object>) reply;
            reads.add(new Read(expireAt((Long) r.get(0), expireTimes, replied), (Long) r.get(1), (byte[]) r.get(2)));
        }
        return reads;
    }

    /** PEXPIRETIME's answer as it is; PTTL's (-1 none, -2 gone, else ms left, 0 included) from {@code replied}. */
    private static long expireAt(long answer, boolean expireTime, long replied) {
        if (answer == -1) {
            return 0;
        }
        return expireTime || answer < 0 ? answer : replied + answer;
    }

    private static List<Read> pipeline(Jedis source, List<byte[]> keys, boolean expireTimes, long dumpLimit,
                                       long budget) {
        List<Response<Long>> ttls = new ArrayList<>(keys.size());
        List<Response<Long>> sizes = new ArrayList<>(keys.size());
        Pipeline p = source.pipelined();
        for (byte[] key : keys) {
            ttls.add(expireTimes ? p.pexpireTime(key) : p.pttl(key));
            sizes.add(p.memoryUsage(key));
        }
        p.sync();
        long replied = System.currentTimeMillis();
        List<Integer> toDump = new ArrayList<>();
        List<Response<byte[]>> dumps = new ArrayList<>();
        p = source.pipelined();
        for (int i = 0; i < keys.size(); i++) {
            Long size = sizes.get(i).get();
            if (ttls.get(i).get() != -2 && size != null && size <= dumpLimit && size <= budget) {
                toDump.add(i);
                dumps.add(p.dump(keys.get(i)));
                budget -= size;
            }
        }
        p.sync();
        byte[][] payloads = new byte[keys.size()][];
        for (int j = 0; j < toDump.size(); j++) {
            payloads[toDump.get(j)] = dumps.get(j).get();
        }
        List<Read> reads = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            reads.add(new Read(expireAt(ttls.get(i).get(), expireTimes, replied), sizes.get(i).get(), payloads[i]));
        }
        return reads;
    }
}
