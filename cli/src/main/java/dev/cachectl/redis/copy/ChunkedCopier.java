package dev.cachectl.redis.copy;

import redis.clients.jedis.commands.JedisBinaryCommands;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.Tuple;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * The {@link KeyCopy.Loop}s for strings (GETRANGE), lists (LRANGE), and sets, sorted sets and
 * hashes (the SCAN family). Streams have their own, {@link StreamCopier}.
 */
final class ChunkedCopier {
    private final JedisBinaryCommands source;
    private final JedisBinaryCommands target;
    private final ChunkLimits limits;
    private final ScanParams scanParams;

    ChunkedCopier(JedisBinaryCommands source, JedisBinaryCommands target, ChunkLimits limits) {
        this.source = source;
        this.target = target;
        this.limits = limits;
        this.scanParams = new ScanParams().count(limits.elements());
    }

    boolean copyString(KeyCopy copy) {
        byte[] key = copy.sourceKey();
        copy.count(1, 0);
        for (long offset = 0; ; ) {
            long from = offset;
            byte[] chunk = copy.read(() -> source.getrange(key, from, from + limits.bytes() - 1));
            if (chunk.length == 0 && from > 0) {
                return true; // the previous chunk ended exactly at the end
            }
            if (chunk.length == 0 && !source.exists(key)) {
                return false; // GETRANGE answers "" for a missing key as for an empty string
            }
            copy.write(d -> from == 0 ? target.set(d, chunk) : target.append(d, chunk));
            copy.count(0, chunk.length);
            offset += chunk.length;
            if (chunk.length < limits.bytes()) {
                return true;
            }
            copy.lease();
        }
    }

    boolean copyList(KeyCopy copy) {
        byte[] key = copy.sourceKey();
        for (long start = 0; ; ) {
            long from = start;
            List<byte[]> chunk = copy.read(() -> source.lrange(key, from, from + limits.elements() - 1));
            if (chunk.isEmpty()) {
                return from > 0;
            }
            for (List<byte[]> batch : limits.batches(chunk, v -> v.length)) {
                copy.write(d -> target.rpush(d, batch.toArray(byte[][]::new)));
                copy.count(batch.size(), batch.stream().mapToLong(v -> v.length).sum());
            }
            start += chunk.size();
            if (chunk.size() < limits.elements()) {
                return true;
            }
            copy.lease();
        }
    }

    boolean copySet(KeyCopy copy) {
        return copyScanned(copy, c -> source.sscan(copy.sourceKey(), c, scanParams), m -> m.length,
                (d, batch) -> target.sadd(d, batch.toArray(byte[][]::new)));
    }

    boolean copySortedSet(KeyCopy copy) {
        return copyScanned(copy, c -> source.zscan(copy.sourceKey(), c, scanParams),
                t -> t.getBinaryElement().length + 8L, (d, batch) -> target.zadd(d, scores(batch)));
    }

    boolean copyHash(KeyCopy copy) {
        return copyScanned(copy, c -> source.hscan(copy.sourceKey(), c, scanParams),
                e -> (long) e.getKey().length + e.getValue().length, (d, batch) -> target.hset(d, fields(batch)));
    }

    /** {@code add} returns how many elements were new (SCAN may repeat some). */
    private <T> boolean copyScanned(KeyCopy copy, Function<byte[], ScanResult<T>> scan, ToLongFunction<T> size,
                                    BiFunction<byte[], List<T>, Long> add) {
        boolean found = false;
        byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
        while (true) {
            byte[] at = cursor;
            ScanResult<T> page = copy.read(() -> scan.apply(at));
            found |= !page.getResult().isEmpty();
            for (List<T> batch : limits.batches(page.getResult(), size)) {
                long added = copy.write(d -> add.apply(d, batch));
                copy.count(added, batch.stream().mapToLong(size).sum());
            }
            if (page.isCompleteIteration()) {
                return found;
            }
            cursor = page.getCursorAsBytes();
            copy.lease();
        }
    }

    private static Map<byte[], Double> scores(List<Tuple> batch) {
        Map<byte[], Double> members = new LinkedHashMap<>();
        batch.forEach(t -> members.put(t.getBinaryElement(), t.getScore()));
        return members;
    }

    private static Map<byte[], byte[]> fields(List<Map.Entry<byte[], byte[]>> batch) {
        // byte[] keys compare by identity, so a field is never merged with another
        Map<byte[], byte[]> fields = new LinkedHashMap<>();
        batch.forEach(e -> fields.put(e.getKey(), e.getValue()));
        return fields;
    }
}
