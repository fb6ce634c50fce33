package dev.cachectl.rebalance.cluster;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.config.Endpoint;
import dev.cachectl.redis.ClusterNodes;
import dev.cachectl.util.FileLocks;
import redis.clients.jedis.exceptions.JedisException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Rebalances a Redis Cluster: checks its health (finishing this home's own leftovers first), measures memory
 * per slot, plans whole-slot moves, and with --apply makes them one slot at a time, then verifies.
 */
public final class ClusterRebalancer {
    private static final Duration CONNECT = Duration.ofSeconds(5);
    /** Slots moved together: one cluster-config save per step for all of them, and at most this many open at once. */
    private static final int BATCH = 64;

    private final Path dir;
    private volatile String cancelled;

    /** dir: where journals and the lock live (HOME/rebalance). */
    public ClusterRebalancer(Path dir) {
        this.dir = dir;
    }

    /** Stops after the slot being moved (Ctrl-C, SIGTERM): the cluster is left with no slot open. */
    public void cancel(String why) {
        cancelled = why;
    }

    public RebalanceReport run(Endpoint cluster, ClusterRequest request, Consumer<String> progress) {
        Duration timeout = request.timeout().plus(CONNECT);
        Journal journal = new Journal(dir.resolve("cluster"));
        if (!request.apply()) {
            try (Nodes nodes = new Nodes(cluster, timeout)) {
                Health.check(nodes, Health.openSlots(nodes), journal.leftovers());
                return planned(cluster, nodes, request, progress).report("planned", null, null);
            } catch (JedisException e) {
                throw lost(e);
            }
        }
        dev.cachectl.util.SecureFiles.ensureDir(dir);
        try (FileLocks.Held lock = FileLocks.tryAcquire(dir.resolve("cluster.lock")).orElseThrow(() ->
                new CachectlException(ExitCode.LOCKED, "another 'cachectl rebalance --apply' of this home is running"))) {
            return apply(cluster, request, journal, timeout, progress);
        } catch (JedisException e) {
            throw lost(e);
        }
    }

    private RebalanceReport apply(Endpoint cluster, ClusterRequest request, Journal journal, Duration timeout,
                                  Consumer<String> progress) {
        long started = System.nanoTime();
        int leftovers = 0;
        try (Nodes nodes = new Nodes(cluster, timeout)) {
            List<Health.OpenSlot> open = Health.openSlots(nodes);
            List<Journal.Step> ours = journal.leftovers();
            Health.check(nodes, open, ours);
            SlotMover mover = new SlotMover(nodes, request);
            Set<Integer> done = new HashSet<>();
            for (Health.OpenSlot slot : open) {
                if (done.add(slot.slot())) {
                    Journal.Step step = ours.stream().filter(s -> s.slot() == slot.slot()).reduce((a, b) -> b).orElseThrow();
                    progress.accept("finishing slot " + slot.slot() + ", left open by an interrupted run");
                    mover.move(slot.slot(), nodes.byId(step.from()), nodes.byId(step.to()));
                    leftovers++;
                }
            }
        }
        Plan plan;
        long keysBefore;
        double imbalanceBefore;
        try (Nodes nodes = new Nodes(cluster, timeout)) {
            plan = planned(cluster, nodes, request, progress);
            keysBefore = Verifier.totalKeys(nodes);
            imbalanceBefore = imbalance(nodes);
            if (plan.moves.isEmpty()) {
                journal.clear(ids(nodes));
                RebalanceReport.Applied applied = new RebalanceReport.Applied(0, 0, 0, 0, leftovers, seconds(started),
                        imbalanceBefore, imbalanceBefore, Verifier.verify(nodes, keysBefore));
                return plan.report(leftovers > 0 ? "completed" : "balanced", applied, null);
            }
            journal.record(cluster.toString(), plan.moves.stream()
                    .map(m -> new Journal.Step(m.slot().slot(), m.from(), m.to())).toList());
            for (Planner.Master m : plan.masters) {
                if (m.drain()) {
                    keepMaster(nodes, nodes.byId(m.id()));
                }
            }
            SlotMover mover = new SlotMover(nodes, request);
            int slots = 0;
            long keys = 0;
            long bytes = 0;
            long chunked = 0;
            long lastNote = System.nanoTime();
            for (List<Planner.Move> batch : batches(plan.moves)) {
                if (cancelled != null) {
                    break;
                }
                SlotMover.Moved moved = mover.move(batch.stream().map(m -> m.slot().slot()).toList(),
                        nodes.byId(batch.get(0).from()), nodes.byId(batch.get(0).to()));
                slots += batch.size();
                keys += moved.keys();
                bytes += moved.bytes();
                chunked += moved.chunkedKeys();
                if (System.nanoTime() - lastNote > 2_000_000_000L) {
                    progress.accept("rebalance: " + slots + "/" + plan.moves.size() + " slots moved, " + keys + " keys");
                    lastNote = System.nanoTime();
                }
            }
            try (Nodes after = new Nodes(cluster, timeout)) {
                RebalanceReport.Verification verification = Verifier.verify(after, keysBefore);
                RebalanceReport.Applied applied = new RebalanceReport.Applied(slots, keys, bytes, chunked, leftovers,
                        seconds(started), imbalanceBefore, imbalance(after), verification);
                if (cancelled != null) {
                    return plan.report("interrupted", applied, cancelled + ": stopped after " + slots + " of "
                            + plan.moves.size() + " slot moves, no slot left open; run again to carry on");
                }
                journal.clear(ids(after));
                if (!verification.problems().isEmpty()) {
                    return plan.report("failed", applied, "verification after the moves: "
                            + String.join("; ", verification.problems()));
                }
                return plan.report("completed", applied, null);
            }
        }
    }

    /** Moves between the same two masters, in groups of at most {@link #BATCH} slots. */
    private static List<List<Planner.Move>> batches(List<Planner.Move> moves) {
        Map<String, List<Planner.Move>> byPair = new LinkedHashMap<>();
        moves.forEach(m -> byPair.computeIfAbsent(m.from() + " " + m.to(), k -> new ArrayList<>()).add(m));
        List<List<Planner.Move>> batches = new ArrayList<>();
        for (List<Planner.Move> pair : byPair.values()) {
            for (int i = 0; i < pair.size(); i += BATCH) {
                batches.add(pair.subList(i, Math.min(pair.size(), i + BATCH)));
            }
        }
        return batches;
    }

    /**
     * Redis 7 turns a master that loses its last slot into a replica of the node that took it (and so fills it
     * again): a drained master must stay an empty master, ready to be removed. Older servers lack the setting.
     */
    private static void keepMaster(Nodes nodes, ClusterNodes.Node node) {
        try {
            nodes.jedis(node).configSet("cluster-allow-replica-migration", "no");
        } catch (redis.clients.jedis.exceptions.JedisDataException older) {
            // Redis 6 never does this
        }
    }

    private static Set<String> ids(Nodes nodes) {
        return nodes.all().stream().map(ClusterNodes.Node::id).collect(Collectors.toSet());
    }

    private Plan planned(Endpoint cluster, Nodes nodes, ClusterRequest request, Consumer<String> progress) {
        List<ClusterNodes.Node> masters = nodes.masters();
        checkNames(nodes, request);
        long started = System.nanoTime();
        SlotMeter meter = new SlotMeter(request.samples());
        List<SlotMeter.MasterLoad> loads = new ArrayList<>();
        for (ClusterNodes.Node master : masters) {
            progress.accept("measuring " + master.address());
            loads.add(meter.measure(nodes, master));
        }
        double error = 0;
        long sampled = 0;
        for (SlotMeter.MasterLoad load : loads) {
            sampled += load.sampledKeys();
            if (load.dataBytes() > 0 && load.rawEstimate() > 0) {
                error = Math.max(error, Math.abs(load.rawEstimate() - load.dataBytes()) / (double) load.dataBytes());
            }
        }
        RebalanceReport.Measurement measurement = new RebalanceReport.Measurement(SlotMeter.method(request.samples()),
                error, sampled, seconds(started));
        List<Planner.Master> planning = new ArrayList<>();
        for (SlotMeter.MasterLoad load : loads) {
            ClusterNodes.Node m = load.node();
            boolean drain = request.drain().stream().anyMatch(d -> m.equals(nodes.find(d)));
            planning.add(new Planner.Master(m.id(), m.address(), weight(nodes, request, m), drain, load.slots()));
        }
        List<Planner.Move> moves = Planner.plan(planning, request.by(), request.threshold());
        return new Plan(cluster, request, measurement, planning, moves);
    }

    private static void checkNames(Nodes nodes, ClusterRequest request) {
        List<String> named = new ArrayList<>(request.weights().keySet());
        named.addAll(request.drain());
        for (String name : named) {
            if (nodes.find(name) == null) {
                throw CachectlException.usage("'" + name + "' is not a master of this cluster (masters: "
                        + nodes.masters().stream().map(ClusterNodes.Node::address).collect(Collectors.joining(", ")) + ")");
            }
        }
        if (request.drain().size() >= nodes.masters().size()) {
            throw CachectlException.usage("--drain would leave no master to hold the slots");
        }
    }

    private static double weight(Nodes nodes, ClusterRequest request, ClusterNodes.Node master) {
        return request.weights().entrySet().stream().filter(e -> master.equals(nodes.find(e.getKey())))
                .map(Map.Entry::getValue).findFirst().orElse(1.0);
    }

    /** Largest master's data memory ÷ the mean. */
    private static double imbalance(Nodes nodes) {
        List<Long> data = nodes.masters().stream().map(m -> SlotMeter.dataBytes(nodes.jedis(m))).toList();
        double mean = data.stream().mapToLong(Long::longValue).average().orElse(0);
        return mean <= 0 ? 1.0 : data.stream().mapToLong(Long::longValue).max().orElse(0) / mean;
    }

    private static double seconds(long startedNanos) {
        return Math.round((System.nanoTime() - startedNanos) / 1e7) / 100.0;
    }

    private static CachectlException lost(JedisException e) {
        return new CachectlException(ExitCode.FAILED, "a cluster node stopped answering during the rebalance ("
                + CachectlException.withoutJavaNames(String.valueOf(e.getMessage())) + "); run it again to finish: "
                + "a slot left open is this run's own and is finished first", e);
    }

    /** A plan with what it needs to be reported. */
    private record Plan(Endpoint cluster, ClusterRequest request, RebalanceReport.Measurement measurement,
                        List<Planner.Master> masters, List<Planner.Move> moves) {

        RebalanceReport report(String outcome, RebalanceReport.Applied applied, String stoppedBecause) {
            return report(outcome, applied, stoppedBecause, switch (outcome) {
                case "failed" -> ExitCode.FAILED;
                case "interrupted" -> ExitCode.INTERRUPTED;
                default -> ExitCode.DONE;
            });
        }

        RebalanceReport report(String outcome, RebalanceReport.Applied applied, String stoppedBecause, ExitCode code) {
            Map<String, Integer> slotsAfter = new HashMap<>();
            Map<String, Long> keysAfter = new HashMap<>();
            Map<String, Long> bytesAfter = new HashMap<>();
            for (Planner.Master m : masters) {
                slotsAfter.put(m.id(), m.slots().size());
                keysAfter.put(m.id(), m.slots().stream().mapToLong(SlotLoad::keys).sum());
                bytesAfter.put(m.id(), m.slots().stream().mapToLong(SlotLoad::bytes).sum());
            }
            for (Planner.Move move : moves) {
                slotsAfter.merge(move.from(), -1, Integer::sum);
                slotsAfter.merge(move.to(), 1, Integer::sum);
                keysAfter.merge(move.from(), -move.slot().keys(), Long::sum);
                keysAfter.merge(move.to(), move.slot().keys(), Long::sum);
                bytesAfter.merge(move.from(), -move.slot().bytes(), Long::sum);
                bytesAfter.merge(move.to(), move.slot().bytes(), Long::sum);
            }
            List<RebalanceReport.MasterRow> rows = new ArrayList<>();
            List<Long> before = new ArrayList<>();
            List<Long> after = new ArrayList<>();
            Map<String, String> address = new HashMap<>();
            for (Planner.Master m : masters) {
                long bytes = m.slots().stream().mapToLong(SlotLoad::bytes).sum();
                rows.add(new RebalanceReport.MasterRow(m.address(), m.id(), m.weight(), m.drain(), m.slots().size(),
                        slotsAfter.get(m.id()), m.slots().stream().mapToLong(SlotLoad::keys).sum(), keysAfter.get(m.id()),
                        bytes, bytesAfter.get(m.id())));
                before.add(bytes);
                after.add(bytesAfter.get(m.id()));
                address.put(m.id(), m.address());
            }
            double weights = masters.stream().filter(m -> !m.drain()).mapToDouble(Planner.Master::weight).sum();
            double total = before.stream().mapToLong(Long::longValue).sum();
            boolean within = true;
            for (Planner.Master m : masters) {
                double share = m.drain() || weights == 0 ? 0 : total * m.weight() / weights;
                long b = bytesAfter.get(m.id());
                if (Math.abs(b - share) > Math.max(share * request.threshold(), 1)) {
                    within = false;
                }
            }
            return new RebalanceReport(cluster.toString(), request.by().name(), request.threshold(), measurement, rows,
                    group(moves, address), ratio(before), ratio(after), within, applied, outcome, stoppedBecause, code.code());
        }

        private static double ratio(List<Long> bytes) {
            double mean = bytes.stream().mapToLong(Long::longValue).average().orElse(0);
            return mean <= 0 ? 1.0 : Math.round(bytes.stream().mapToLong(Long::longValue).max().orElse(0) / mean * 1000) / 1000.0;
        }

        /** Moves between the same two masters in one row, their slots as ranges. */
        private static List<RebalanceReport.MoveRow> group(List<Planner.Move> moves, Map<String, String> address) {
            Map<String, List<SlotLoad>> byPair = new LinkedHashMap<>();
            for (Planner.Move m : moves) {
                byPair.computeIfAbsent(m.from() + " " + m.to(), k -> new ArrayList<>()).add(m.slot());
            }
            List<RebalanceReport.MoveRow> rows = new ArrayList<>();
            byPair.forEach((pair, slots) -> {
                String[] ids = pair.split(" ");
                rows.add(new RebalanceReport.MoveRow(address.get(ids[0]), address.get(ids[1]),
                        ranges(slots.stream().map(SlotLoad::slot).sorted().toList()), slots.size(),
                        slots.stream().mapToLong(SlotLoad::keys).sum(), slots.stream().mapToLong(SlotLoad::bytes).sum()));
            });
            return rows;
        }

        private static String ranges(List<Integer> slots) {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < slots.size(); ) {
                int j = i;
                while (j + 1 < slots.size() && slots.get(j + 1) == slots.get(j) + 1) {
                    j++;
                }
                out.append(out.isEmpty() ? "" : ",").append(slots.get(i)).append(i == j ? "" : "-" + slots.get(j));
                i = j + 1;
            }
            return out.toString();
        }
    }
}
