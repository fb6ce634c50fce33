package dev.cachectl.rebalance.cluster;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.redis.ClusterNodes;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Measures memory per slot without blocking a server: CLUSTER COUNTKEYSINSLOT for every slot a master owns
 * (pipelined), MEMORY USAGE of at most {@code samples} keys per slot taken with CLUSTER GETKEYSINSLOT, their mean
 * scaled by the slot's key count. One model on every master: a slot's bytes are the same wherever it lives, so
 * moving it moves exactly its estimate, and measuring again after moves samples only the slots whose key count
 * changed. What a master's used_memory holds beyond its keys (startup memory,
 * buffers, hash tables) is measured as used_memory minus the estimate and kept out of the shares. Masters are
 * measured at once, each on its own connection; sampling runs in bounded pipelines and at most
 * {@link #SAMPLES_PER_SECOND} MEMORY USAGE calls per second per master.
 */
final class SlotMeter {
    static final int SAMPLES_PER_SECOND = 200_000;
    private static final int SLOTS_PER_PIPELINE = 512;
    /** Key names read per slot to pick the sample from. */
    private static final int NAMES_PER_SLOT = 4096;
    /** A slot sampled again gets this many times --samples keys. */
    private static final int REFINE = 16;

    /**
     * A master as measured: its slots with estimated bytes, its used_memory, the variance of its estimate
     * (from the spread of the sampled sizes; 0 when every key was sampled) and how many keys were sampled.
     */
    record MasterLoad(ClusterNodes.Node node, List<SlotLoad> slots, long usedMemory, double variance, long sampledKeys) {
        long keys() {
            return slots.stream().mapToLong(SlotLoad::keys).sum();
        }

        long bytes() {
            return slots.stream().mapToLong(SlotLoad::bytes).sum();
        }

        /** used_memory that is not in the keys' estimate: startup memory, buffers, hash tables; not moved by slots. */
        long nonDataBytes() {
            return Math.max(0, usedMemory - bytes());
        }

        /** Two standard deviations of the sampled estimate, as a fraction of it. */
        double error() {
            long bytes = bytes();
            return bytes <= 0 ? 0 : 2 * Math.sqrt(variance) / bytes;
        }
    }

    private final int samples;
    private final double targetError;
    /** Every slot estimated so far by this meter (masters are measured at once, so written concurrently). */
    private final Map<Integer, Slot> known = new ConcurrentHashMap<>();

    /** targetError: two standard deviations of a master's estimate, as a fraction of it, that sampling aims at. */
    SlotMeter(int samples, double targetError) {
        this.samples = samples;
        this.targetError = targetError;
    }

    /** Every master at once, each on its own connection (opened here, before the threads start). */
    List<MasterLoad> measure(Nodes nodes, List<ClusterNodes.Node> masters) {
        List<Jedis> connections = masters.stream().map(nodes::jedis).toList();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, masters.size()), r -> {
            Thread t = new Thread(r, "rebalance-measure");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<MasterLoad>> running = new ArrayList<>();
            for (int i = 0; i < masters.size(); i++) {
                Jedis jedis = connections.get(i);
                ClusterNodes.Node master = masters.get(i);
                running.add(pool.submit(() -> measure(jedis, master)));
            }
            List<MasterLoad> loads = new ArrayList<>();
            for (Future<MasterLoad> f : running) {
                loads.add(join(f));
            }
            return loads;
        } finally {
            pool.shutdownNow();
        }
    }

    private static MasterLoad join(Future<MasterLoad> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CachectlException(ExitCode.INTERRUPTED, "interrupted while measuring the cluster's memory", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    MasterLoad measure(Jedis jedis, ClusterNodes.Node master) {
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
        Sampler sampler = new Sampler(jedis, counts);
        Map<Integer, Slot> estimate = new TreeMap<>();
        // a slot this meter has sampled before, with as many keys now, keeps its estimate (a slot weighs the same on
        // any master); the others are sampled
        List<Integer> unknown = new ArrayList<>();
        for (int slot : withKeys) {
            Slot before = known.get(slot);
            if (before != null && before.keys() == counts.get(slot)) {
                estimate.put(slot, before);
            } else {
                unknown.add(slot);
            }
        }
        for (int i = 0; i < unknown.size(); i += SLOTS_PER_PIPELINE / 4) {
            estimate.putAll(sampler.sample(unknown.subList(i, Math.min(unknown.size(), i + SLOTS_PER_PIPELINE / 4)), samples));
        }
        double variance = estimate.values().stream().mapToDouble(Slot::variance).sum();
        long bytes = estimate.values().stream().mapToLong(Slot::bytes).sum();
        // a second round where the first leaves the master's estimate too uncertain: the slots whose sizes vary
        // most (a few big keys among small ones) are sampled again, REFINE times bigger, until the error is within
        // the target or as many keys again have been sampled
        long budget = 2 * sampler.sampled;
        List<Integer> noisy = withKeys.stream().filter(s -> estimate.get(s).variance() > 0)
                .sorted(Comparator.comparingDouble((Integer s) -> estimate.get(s).variance()).reversed()).toList();
        for (int i = 0; i < noisy.size() && 2 * Math.sqrt(variance) > targetError * bytes && sampler.sampled < budget;
             i += SLOTS_PER_PIPELINE / 16) {
            for (Map.Entry<Integer, Slot> e : sampler.sample(noisy.subList(i, Math.min(noisy.size(),
                    i + SLOTS_PER_PIPELINE / 16)), samples * REFINE).entrySet()) {
                Slot before = estimate.put(e.getKey(), e.getValue());
                variance += e.getValue().variance() - before.variance();
                bytes += e.getValue().bytes() - before.bytes();
            }
        }
        known.putAll(estimate);
        List<SlotLoad> loads = new ArrayList<>();
        for (Map.Entry<Integer, Long> e : counts.entrySet()) {
            Slot slot = estimate.get(e.getKey());
            loads.add(new SlotLoad(e.getKey(), e.getValue(), slot == null ? 0 : slot.bytes()));
        }
        return new MasterLoad(master, loads, usedMemory(jedis), Math.max(0, variance), sampler.sampled);
    }

    /**
     * Samples slots of one master: their key names (CLUSTER GETKEYSINSLOT, up to {@link #NAMES_PER_SLOT}), then
     * MEMORY USAGE of keys picked at random among them, since the order of a slot's keys follows when they were
     * written or moved in, and sizes often follow that order (a tenant's big values loaded after the small ones).
     */
    private static final class Sampler {
        private final Jedis jedis;
        private final Map<Integer, Long> counts;
        private final long started = System.nanoTime();
        private long sampled;

        Sampler(Jedis jedis, Map<Integer, Long> counts) {
            this.jedis = jedis;
            this.counts = counts;
        }

        Map<Integer, Slot> sample(List<Integer> slots, int perSlot) {
            Pipeline p = jedis.pipelined();
            List<Response<Object>> names = new ArrayList<>();
            for (int slot : slots) {
                names.add(p.sendCommand(Protocol.Command.CLUSTER, "GETKEYSINSLOT", Integer.toString(slot),
                        Long.toString(Math.min(counts.get(slot), NAMES_PER_SLOT))));
            }
            p.sync();
            Pipeline q = jedis.pipelined();
            List<List<Response<Long>>> usages = new ArrayList<>();
            for (int j = 0; j < slots.size(); j++) {
                List<?> keys = new ArrayList<>((List<?>) names.get(j).get());
                SplittableRandom random = new SplittableRandom(slots.get(j) * 31L + perSlot);
                int n = Math.min(perSlot, keys.size());
                List<Response<Long>> u = new ArrayList<>();
                for (int k = 0; k < n; k++) {
                    Collections.swap(keys, k, k + random.nextInt(keys.size() - k));
                    u.add(q.memoryUsage((byte[]) keys.get(k)));
                }
                usages.add(u);
                sampled += n;
            }
            q.sync();
            Map<Integer, Slot> out = new TreeMap<>();
            for (int j = 0; j < slots.size(); j++) {
                out.put(slots.get(j), Slot.of(counts.get(slots.get(j)), usages.get(j)));
            }
            pace(sampled, SAMPLES_PER_SECOND, started);
            return out;
        }
    }

    /**
     * One slot's estimate from its sample: keys × the mean sampled size, and that estimate's variance
     * (keys² × s²/n × (1 − n/keys): 0 when every key was sampled; with a single sample, or samples that do not
     * differ, the spread s² is taken as mean²/n).
     */
    private record Slot(long keys, long bytes, double variance) {
        static Slot of(long keys, List<Response<Long>> usages) {
            List<Long> sizes = usages.stream().map(Response::get).filter(v -> v != null).toList();
            int n = sizes.size();
            if (n == 0) {
                return new Slot(keys, 0, 0);
            }
            double mean = sizes.stream().mapToLong(Long::longValue).sum() / (double) n;
            double spread = n > 1 ? sizes.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum() / (n - 1) : 0;
            if (spread == 0) {
                // one sample, or samples all of one size, prove little about the rest (a tenant's few small keys
                // among its big ones): taken as if one more key could differ by the whole mean
                spread = mean * mean / n;
            }
            double variance = n >= keys ? 0 : (double) keys * keys * spread / n * (1 - (double) n / keys);
            return new Slot(keys, Math.round(keys * mean), variance);
        }
    }

    private static long usedMemory(Jedis jedis) {
        for (String line : jedis.info("memory").split("\r?\n")) {
            if (line.startsWith("used_memory:")) {
                return Long.parseLong(line.substring("used_memory:".length()).trim());
            }
        }
        return 0;
    }

    String method() {
        return String.format(Locale.ROOT, "CLUSTER COUNTKEYSINSLOT for every slot, MEMORY USAGE of %d keys per slot "
                + "picked at random among its names (CLUSTER GETKEYSINSLOT), %d in the slots whose sizes vary most "
                + "while a master's error is above %.1f%%, their mean times the slot's key count; the same on every "
                + "master, so a slot weighs the same wherever it lives (measured again after moves: every slot's key "
                + "count, and a sample of each slot whose count changed); used_memory beyond the keys (startup memory, "
                + "buffers, hash tables) is measured per master and kept out of the shares", samples, samples * REFINE,
                targetError * 100);
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
