package dev.cachectl.rebalance.cluster;

import dev.cachectl.CachectlException;
import dev.cachectl.redis.copy.SourceDeletion;
import dev.cachectl.redis.copy.StructCopier;
import dev.cachectl.redis.ClusterNodes;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.MigrateParams;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Moves one slot with the cluster's own protocol: SETSLOT IMPORTING on the target, MIGRATING on the source,
 * GETKEYSINSLOT + MIGRATE … KEYS in batches, then SETSLOT NODE on the target, the source and every other
 * master. A key bigger than what MIGRATE moves within its timeout is copied in chunks by migrate's
 * {@link StructCopier} into the target (with ASKING) and then deleted from the source if unchanged meanwhile.
 * Every step may be repeated, so a slot left open by an interrupted run is finished by the same call.
 */
final class SlotMover {
    /** The slowest link we plan for: a key bigger than this many bytes per second of --timeout is chunked. */
    static final long ASSUMED_BYTES_PER_SECOND = 8L << 20;
    private static final int CHUNK_ELEMENTS = 1000;
    private static final long CHUNK_BYTES = 1L << 20;
    /** Chunked copies of one big key before its slot's move gives up because the key keeps changing. */
    static final int COPY_ATTEMPTS = 5;

    /** What moving one slot did. */
    record Moved(long keys, long bytes, long chunkedKeys) {
    }

    private final Nodes nodes;
    private final ClusterRequest request;
    private final long bigKeyBytes;
    private final long started = System.nanoTime();
    private long bytesSoFar;

    SlotMover(Nodes nodes, ClusterRequest request) {
        this.nodes = nodes;
        this.request = request;
        this.bigKeyBytes = Math.max(64 << 10, request.timeout().toMillis() * ASSUMED_BYTES_PER_SECOND / 1000);
    }

    Moved move(int slot, ClusterNodes.Node from, ClusterNodes.Node to) {
        return move(List.of(slot), from, to);
    }

    /**
     * Moves slots from one master to another together: each step is pipelined for all of them, so a node
     * saves its cluster config once per step rather than once per slot.
     */
    Moved move(List<Integer> slots, ClusterNodes.Node from, ClusterNodes.Node to) {
        Jedis source = nodes.jedis(from);
        Jedis target = nodes.jedis(to);
        everyTolerating(target, slots, slot -> new String[]{"SETSLOT", slot, "IMPORTING", from.id()}, "already the owner");
        everyTolerating(source, slots, slot -> new String[]{"SETSLOT", slot, "MIGRATING", to.id()}, "not the owner");
        long keys = 0;
        long bytes = 0;
        long chunked = 0;
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, request.timeout().toMillis());
        List<Integer> open = new ArrayList<>(slots);
        while (!open.isEmpty()) {
            Pipeline listing = source.pipelined();
            List<Response<Object>> lists = new ArrayList<>();
            for (int slot : open) {
                lists.add(listing.sendCommand(Protocol.Command.CLUSTER, "GETKEYSINSLOT", Integer.toString(slot),
                        Integer.toString(request.pipeline())));
            }
            listing.sync();
            Map<Integer, List<byte[]>> batch = new LinkedHashMap<>();
            for (int i = 0; i < open.size(); i++) {
                List<byte[]> found = ((List<?>) lists.get(i).get()).stream().map(k -> (byte[]) k).toList();
                if (!found.isEmpty()) {
                    batch.put(open.get(i), found);
                }
            }
            if (batch.isEmpty()) {
                break;
            }
            open = new ArrayList<>(batch.keySet());
            Pipeline p = source.pipelined();
            Map<byte[], Response<Long>> sizes = new LinkedHashMap<>();
            batch.values().forEach(ks -> ks.forEach(k -> sizes.put(k, p.memoryUsage(k))));
            p.sync();
            Map<Integer, List<byte[]>> whole = new LinkedHashMap<>();
            batch.forEach((slot, slotKeys) -> whole.put(slot, new ArrayList<>()));
            for (Map.Entry<Integer, List<byte[]>> e : batch.entrySet()) {
                for (byte[] key : e.getValue()) {
                    Long size = sizes.get(key).get();
                    bytes += size == null ? 0 : size;
                    if (size != null && size > bigKeyBytes) {
                        copyInChunks(source, from, to, e.getKey(), key);
                        chunked++;
                    } else {
                        whole.get(e.getKey()).add(key);
                    }
                }
                keys += e.getValue().size();
            }
            Pipeline migrations = source.pipelined();
            List<Response<String>> replies = new ArrayList<>();
            for (List<byte[]> slotKeys : whole.values()) {
                if (!slotKeys.isEmpty()) {
                    replies.add(migrations.migrate(to.host(), to.port(), 0, timeoutMs, params(to),
                            slotKeys.toArray(byte[][]::new)));
                }
            }
            migrations.sync();
            for (Response<String> reply : replies) {
                try {
                    reply.get();
                } catch (JedisDataException e) {
                    throw CachectlException.failed("MIGRATE from " + from.address() + " to " + to.address() + " failed: "
                            + e.getMessage() + " (a larger --timeout, or a smaller --pipeline, may help)");
                }
            }
            pace(bytes);
        }
        everyTolerating(target, slots, slot -> new String[]{"SETSLOT", slot, "NODE", to.id()}, "");
        // as redis-cli does: the others would learn it by gossip anyway, telling them only makes it sooner
        for (ClusterNodes.Node other : nodes.masters()) {
            if (!other.id().equals(to.id())) {
                everyTolerating(nodes.jedis(other), slots, slot -> new String[]{"SETSLOT", slot, "NODE", to.id()}, null);
            }
        }
        bytesSoFar += bytes;
        return new Moved(keys, bytes, chunked);
    }

    private MigrateParams params(ClusterNodes.Node to) {
        MigrateParams params = MigrateParams.migrateParams().replace();
        var target = nodes.endpoint(to);
        if (target.password() != null) {
            params = target.user() != null ? params.auth2(target.user(), target.password()) : params.auth(target.password());
        }
        return params;
    }

    /**
     * Sends one CLUSTER subcommand per slot in a pipeline. An error containing {@code expected} is fine (a step
     * repeated after an interruption), any error when {@code expected} is null; "" accepts none.
     */
    private static void everyTolerating(Jedis jedis, List<Integer> slots, java.util.function.Function<String, String[]> args,
                                        String expected) {
        Pipeline p = jedis.pipelined();
        List<Response<Object>> replies = new ArrayList<>();
        for (int slot : slots) {
            replies.add(p.sendCommand(Protocol.Command.CLUSTER, args.apply(Integer.toString(slot))));
        }
        p.sync();
        for (Response<Object> reply : replies) {
            try {
                reply.get();
            } catch (JedisDataException e) {
                if (expected != null && (expected.isEmpty() || e.getMessage() == null || !e.getMessage().contains(expected))) {
                    throw e;
                }
            }
        }
    }

    /**
     * Copies one big key chunk by chunk into the importing target, keeps its TTL, then deletes it from the source,
     * but only if the source still holds what the target now has ({@link SourceDeletion#deleteIfSame}: WATCH,
     * compare digests and TTLs, MULTI/DEL/EXEC). A key written to during the copy is copied again (the temporary
     * key and RENAME replace the earlier copy), at most {@link #COPY_ATTEMPTS} times; then the slot's move stops
     * with the key still on the source, for the next run to finish.
     */
    private void copyInChunks(Jedis source, ClusterNodes.Node from, ClusterNodes.Node to, int slot, byte[] key) {
        try (Jedis asking = nodes.asking(to)) {
            // an importing node refuses a multi-key command (the copy's final RENAME) unless every key exists:
            // a placeholder, invisible to clients while the source still has the key, lets it through
            if (!asking.exists(key)) {
                asking.set(key, new byte[0]);
            }
            for (int attempt = 1; attempt <= COPY_ATTEMPTS; attempt++) {
                String type = source.type(key);
                long pttl = source.pttl(key);
                long expireAt = pttl > 0 ? System.currentTimeMillis() + pttl : 0;
                StructCopier.Outcome outcome = new StructCopier(source, asking, CHUNK_ELEMENTS, CHUNK_BYTES)
                        .copy(key, key, type, expireAt, true);
                if (outcome.status() == StructCopier.Status.UNSUPPORTED) {
                    throw CachectlException.failed(String.join("; ", outcome.notes())
                            + ": too big for one MIGRATE within --timeout and not copyable in chunks; raise --timeout");
                }
                if (outcome.status() == StructCopier.Status.VANISHED && !source.exists(key)
                        || SourceDeletion.deleteIfSame(source, key, asking, key, true)) {
                    return;
                }
            }
        }
        throw CachectlException.failed("slot " + slot + " not moved from " + from.address() + " to " + to.address()
                + ": its big key " + StructCopier.quoted(key) + " was written to during each of " + COPY_ATTEMPTS
                + " chunked copies, so it stays on " + from.address() + "; run 'cachectl rebalance --apply' again"
                + " (when writes to it are fewer) to finish the slot");
    }

    private void pace(long slotBytes) {
        if (request.rateBytes() > 0) {
            SlotMeter.pace(bytesSoFar + slotBytes, request.rateBytes(), started);
        }
    }
}
