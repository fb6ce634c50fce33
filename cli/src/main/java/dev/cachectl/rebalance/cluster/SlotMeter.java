package dev.cachectl.rebalance.cluster;

import dev.cachectl.redis.ClusterNodes;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Measures memory per slot without blocking a server: CLUSTER COUNTKEYSINSLOT for every slot a master owns
 * (pipelined), MEMORY USAGE of at most {@code samples} keys per slot taken with CLUSTER GETKEYSINSLOT, scaled by
 * the slot's key count, then calibrated so that each master's slots add up to its used_memory minus its
 * baseline (startup memory, client and replication buffers). Sampling runs in bounded pipelines and at most
 * {@link #SAMPLES_PER_SECOND} MEMORY USAGE calls per second per master.
 */
final class SlotMeter {
    static final int SAMPLES_PER_SECOND = 200_000;
    private static final int SLOTS_PER_PIPELINE = 512;

    /** A master as measured: its slots with calibrated bytes, its data memory and how far the raw estimate was from it. */
    record MasterLoad(ClusterNodes.Node node, List<SlotLoad> slots, long dataBytes, long rawEstimate, long sampledKeys) {
        long keys() {
            return slots.stream().mapToLong(SlotLoad::keys).sum();
        }

        long bytes() {
            return slots.stream().mapToLong(SlotLoad::bytes).sum();
        }
    }

    private final int samples;

    SlotMeter(int samples) {
        this.samples = samples;
    }

    MasterLoad measure(Nodes nodes, ClusterNodes.Node master) {
        Jedis jedis = nodes.jedis(master);
        BitSet owned = Nodes.slots(master);
        Map<Integer, Long> counts = new TreeMap<>();
        List<Integer> slots = owned.stream().boxed().toList();
        for (int i = 0; i < slots.size(); i += SLOTS_PER_PIPELINE) {
            List<Integer> part = slots.subList(i, Math.min(slots.size(), i + SLOTS_PER_PIPELINE));
            Pipeline p = jedis.pipelined();
            List<Response<Object>> replies = new ArrayList<>();
            for (int slot : part) {
                replies.add(p.sendCommand(Protocol.Command.CLUSTER, "COUNTKEYSINSLOT", Integer.toString(slot)));
            }
            p.sync();
            for (int j = 0; j < part.size(); j++) {
                counts.put(part.get(j), (Long) replies.get(j).get());
            }
        }
        List<Integer> withKeys = counts.entrySet().stream().filter(e -> e.getValue() > 0).map(Map.Entry::getKey).toList();
        Map<Integer, Double> perKey = new TreeMap<>();
        long sampled = 0;
        long started = System.nanoTime();
        for (int i = 0; i < withKeys.size(); i += SLOTS_PER_PIPELINE / 4) {
            List<Integer> part = withKeys.subList(i, Math.min(withKeys.size(), i + SLOTS_PER_PIPELINE / 4));
            Pipeline p = jedis.pipelined();
            List<Response<Object>> keyLists = new ArrayList<>();
            for (int slot : part) {
                keyLists.add(p.sendCommand(Protocol.Command.CLUSTER, "GETKEYSINSLOT", Integer.toString(slot),
                        Integer.toString(samples)));
            }
            p.sync();
            Pipeline q = jedis.pipelined();
            List<List<Response<Long>>> usages = new ArrayList<>();
            for (Response<Object> keys : keyLists) {
                List<Response<Long>> u = new ArrayList<>();
                for (Object key : (List<?>) keys.get()) {
                    u.add(q.memoryUsage((byte[]) key));
                }
                usages.add(u);
                sampled += u.size();
            }
            q.sync();
            for (int j = 0; j < part.size(); j++) {
                long sum = 0;
                int n = 0;
                for (Response<Long> r : usages.get(j)) {
                    Long v = r.get();
                    if (v != null) {
                        sum += v;
                        n++;
                    }
                }
                perKey.put(part.get(j), n == 0 ? 0 : (double) sum / n);
            }
            pace(sampled, SAMPLES_PER_SECOND, started);
        }
        long raw = 0;
        for (int slot : withKeys) {
            raw += Math.round(counts.get(slot) * perKey.get(slot));
        }
        long data = dataBytes(jedis);
        double factor = raw > 0 && data > 0 ? Math.max(0.25, Math.min(4.0, (double) data / raw)) : 1.0;
        List<SlotLoad> loads = new ArrayList<>();
        for (Map.Entry<Integer, Long> e : counts.entrySet()) {
            double each = perKey.getOrDefault(e.getKey(), 0.0);
            loads.add(new SlotLoad(e.getKey(), e.getValue(), Math.round(e.getValue() * each * factor)));
        }
        return new MasterLoad(master, loads, data, raw, sampled);
    }

    /** used_memory minus what an empty server also holds: startup memory, client and replication buffers. */
    static long dataBytes(Jedis jedis) {
        Map<String, Long> info = new TreeMap<>();
        for (String line : jedis.info("memory").split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                try {
                    info.put(line.substring(0, colon), Long.parseLong(line.substring(colon + 1).trim()));
                } catch (NumberFormatException ignored) {
                    // human-readable fields, ratios
                }
            }
        }
        long used = info.getOrDefault("used_memory", 0L);
        long baseline = info.getOrDefault("used_memory_startup", 0L) + info.getOrDefault("mem_replication_backlog", 0L)
                + info.getOrDefault("mem_clients_slaves", 0L) + info.getOrDefault("mem_clients_normal", 0L)
                + info.getOrDefault("mem_aof_buffer", 0L);
        return Math.max(0, used - baseline);
    }

    static String method(int samples) {
        return String.format(Locale.ROOT, "CLUSTER COUNTKEYSINSLOT for every slot, MEMORY USAGE of up to %d keys per slot "
                + "(CLUSTER GETKEYSINSLOT) scaled by its key count, calibrated per master against used_memory minus its "
                + "baseline", samples);
    }

    /** Waits until {@code done} units at {@code perSecond} since {@code startedNanos} are due: how rates are kept here. */
    static void pace(long done, long perSecond, long startedNanos) {
        long wait = startedNanos + done * 1_000_000_000L / perSecond - System.nanoTime();
        if (wait > 0) {
            try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
