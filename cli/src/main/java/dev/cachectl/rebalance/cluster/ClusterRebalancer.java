package dev.cachectl.rebalance.cluster;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.config.Endpoint;
import dev.cachectl.redis.ClusterNodes;
import dev.cachectl.redis.RedisClients;
import dev.cachectl.util.FileLocks;
import dev.cachectl.util.FileWrites;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
    /** How long a node may take to answer when a failed run looks for the one that stopped answering. */
    private static final Duration PROBE = Duration.ofSeconds(1);
    /** Slots moved together: one cluster-config save per step for all of them, and at most this many open at once. */
    private static final int BATCH = 64;
    /** Plans made and carried out in one --apply: the first, and more while a new measurement finds a move that helps. */
    static final int MAX_PASSES = 3;

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
                throw lost(cluster, e);
            }
        }
        FileWrites.ensureDir(dir, "rebalance lock " + dir.resolve("cluster.lock"));
        try (FileLocks.Held lock = FileLocks.tryAcquire(dir.resolve("cluster.lock")).orElseThrow(() ->
                new CachectlException(ExitCode.LOCKED, "another 'cachectl rebalance --apply' of this home is running"))) {
            return apply(cluster, request, journal, timeout, progress);
        } catch (JedisException e) {
            throw lost(cluster, e);
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
        SlotMeter meter = meter(request);
        try (Nodes nodes = new Nodes(cluster, timeout)) {
            plan = planned(cluster, nodes, request, progress, meter);
            keysBefore = Verifier.totalKeys(nodes);
            if (plan.moves.isEmpty()) {
                journal.clear(ids(nodes));
                RebalanceReport.Applied applied = new RebalanceReport.Applied(0, 0, 0, 0, leftovers, 0, seconds(started),
                        plan.imbalanceBefore(), plan.imbalanceBefore(), Verifier.verify(nodes, keysBefore));
                return plan.report(leftovers > 0 ? "completed" : "balanced", applied, null);
            }
        }
        // a pass makes one plan's moves; then the cluster is verified and measured again (the same estimate the
        // plan balanced, now with whatever writers added meanwhile), and another plan is made while it helps
        Totals totals = new Totals();
        List<Planner.Move> made = new ArrayList<>();
        Plan pass = plan;
        Plan measured = null;
        RebalanceReport.Verification verification;
        for (int passes = 1; ; passes++) {
            List<Planner.Move> done = movePass(cluster, pass, request, journal, timeout, progress, totals);
            made.addAll(done);
            Set<String> ids;
            try (Nodes after = new Nodes(cluster, timeout)) {
                verification = Verifier.verify(after, keysBefore);
                ids = ids(after);
            }
            if (cancelled != null) {
                RebalanceReport.Applied applied = totals.applied(leftovers, passes, seconds(started),
                        plan.imbalanceBefore(), pass.imbalanceAfter(done), verification);
                return pass.report("interrupted", applied, cancelled + ": stopped after " + done.size() + " of "
                        + pass.moves.size() + " slot moves, no slot left open; run again to carry on");
            }
            journal.clear(ids);
            if (!verification.problems().isEmpty()) {
                RebalanceReport.Applied applied = totals.applied(leftovers, passes, seconds(started),
                        plan.imbalanceBefore(), pass.imbalanceAfter(done), verification);
                return plan.report("failed", applied, "verification after the moves: "
                        + String.join("; ", verification.problems()), made, null);
            }
            try (Nodes after = new Nodes(cluster, timeout)) {
                measured = planned(cluster, after, request, progress, meter);
            }
            if (measured.moves.isEmpty() || passes == MAX_PASSES) {
                RebalanceReport.Applied applied = totals.applied(leftovers, passes, seconds(started),
                        plan.imbalanceBefore(), measured.imbalanceBefore(), verification);
                return plan.report("completed", applied, null, made, measured);
            }
            progress.accept("rebalance: measured again, imbalance " + String.format(Locale.ROOT, "%.3f",
                    measured.imbalanceBefore()) + "; pass " + (passes + 1) + " moves " + measured.moves.size() + " slots");
            pass = measured;
        }
    }

    /** Makes one plan's moves, batch by batch, until done or cancelled; returns the moves made. */
    private List<Planner.Move> movePass(Endpoint cluster, Plan pass, ClusterRequest request, Journal journal,
                                        Duration timeout, Consumer<String> progress, Totals totals) {
        List<Planner.Move> done = new ArrayList<>();
        try (Nodes nodes = new Nodes(cluster, timeout)) {
            journal.record(cluster.toString(), pass.moves.stream()
                    .map(m -> new Journal.Step(m.slot().slot(), m.from(), m.to())).toList());
            for (Planner.Master m : pass.masters) {
                if (m.drain()) {
                    keepMaster(nodes, nodes.byId(m.id()));
                }
            }
            SlotMover mover = new SlotMover(nodes, request);
            long lastNote = System.nanoTime();
            for (List<Planner.Move> batch : batches(pass.moves)) {
                if (cancelled != null) {
                    break;
                }
                SlotMover.Moved moved = mover.move(batch.stream().map(m -> m.slot().slot()).toList(),
                        nodes.byId(batch.get(0).from()), nodes.byId(batch.get(0).to()));
                done.addAll(batch);
                totals.add(batch.size(), moved);
                if (System.nanoTime() - lastNote > 2_000_000_000L) {
                    progress.accept("rebalance: " + done.size() + "/" + pass.moves.size() + " slots moved, "
                            + totals.keys + " keys");
                    lastNote = System.nanoTime();
                }
            }
        }
        return done;
    }

    /** What the passes moved, all together. */
    private static final class Totals {
        private int slots;
        private long keys;
        private long bytes;
        private long chunked;

        void add(int slotCount, SlotMover.Moved moved) {
            slots += slotCount;
            keys += moved.keys();
            bytes += moved.bytes();
            chunked += moved.chunkedKeys();
        }

        RebalanceReport.Applied applied(int leftovers, int passes, double seconds, double before, double after,
                                        RebalanceReport.Verification verification) {
            return new RebalanceReport.Applied(slots, keys, bytes, chunked, leftovers, passes, seconds, before, after,
                    verification);
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
        return planned(cluster, nodes, request, progress, meter(request));
    }

    /** The plan aims at half the threshold; sampling keeps each master's error within a quarter of it. */
    private static SlotMeter meter(ClusterRequest request) {
        return new SlotMeter(request.samples(), request.threshold() / 4);
    }

    /** Measures with {@code meter} (which keeps what it sampled before: a run measures again after its moves) and plans. */
    private Plan planned(Endpoint cluster, Nodes nodes, ClusterRequest request, Consumer<String> progress, SlotMeter meter) {
        List<ClusterNodes.Node> masters = nodes.masters();
        checkNames(nodes, request);
        long started = System.nanoTime();
        progress.accept("measuring " + masters.stream().map(ClusterNodes.Node::address).collect(Collectors.joining(", ")));
        List<SlotMeter.MasterLoad> loads = meter.measure(nodes, masters);
        double error = loads.stream().mapToDouble(SlotMeter.MasterLoad::error).max().orElse(0);
        long sampled = loads.stream().mapToLong(SlotMeter.MasterLoad::sampledKeys).sum();
        RebalanceReport.Measurement measurement = new RebalanceReport.Measurement(meter.method(),
                error, sampled, seconds(started));
        List<Planner.Master> planning = new ArrayList<>();
        Map<String, Long> nonData = new HashMap<>();
        for (SlotMeter.MasterLoad load : loads) {
            ClusterNodes.Node m = load.node();
            boolean drain = request.drain().stream().anyMatch(d -> m.equals(nodes.find(d)));
            planning.add(new Planner.Master(m.id(), m.address(), weight(nodes, request, m), drain, load.slots()));
            nonData.put(m.id(), load.nonDataBytes());
        }
        List<Planner.Move> moves = Planner.plan(planning, request.by(), request.threshold(), error);
        return new Plan(cluster, request, measurement, planning, moves, nonData);
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

    private static double seconds(long startedNanos) {
        return Math.round((System.nanoTime() - startedNanos) / 1e7) / 100.0;
    }

    /**
     * A node that stopped answering mid-run is an unreachable instance (exit 3), named where it can be found: the
     * nodes the cluster still lists that no longer answer a PING. Any other error from the cluster is a failure.
     */
    private static CachectlException lost(Endpoint cluster, JedisException e) {
        String message = String.valueOf(e.getMessage());
        List<String> down = notAnswering(cluster);
        boolean lostNode = !down.isEmpty() || e instanceof JedisConnectionException || message.startsWith("CLUSTERDOWN");
        String who = down.isEmpty() ? "a cluster node" : (down.size() == 1 ? "cluster node " : "cluster nodes ")
                + String.join(", ", down);
        return new CachectlException(lostNode ? ExitCode.DOWN : ExitCode.FAILED, (lostNode
                ? who + " stopped answering during the rebalance ("
                : "the cluster answered with an error during the rebalance (")
                + CachectlException.withoutJavaNames(message) + "); run it again to finish: "
                + "a slot left open is this run's own and is finished first", e);
    }

    /** HOST:PORT of every node the cluster lists (as the first seed that answers sees it) that does not answer a PING. */
    private static List<String> notAnswering(Endpoint cluster) {
        List<ClusterNodes.Node> known;
        try {
            known = ClusterNodes.fetch(cluster, PROBE);
        } catch (RuntimeException e) {
            return List.of();
        }
        List<String> down = new ArrayList<>();
        for (ClusterNodes.Node node : known) {
            try (redis.clients.jedis.Jedis j = RedisClients.open(cluster.atNode(node.host(), node.port()), PROBE)) {
                j.ping();
            } catch (RuntimeException e) {
                down.add(node.address());
            }
        }
        return down;
    }

    /** A plan with what it needs to be reported; nonData: each master's used_memory beyond its keys' estimate. */
    private record Plan(Endpoint cluster, ClusterRequest request, RebalanceReport.Measurement measurement,
                        List<Planner.Master> masters, List<Planner.Move> moves, Map<String, Long> nonData) {

        RebalanceReport report(String outcome, RebalanceReport.Applied applied, String stoppedBecause) {
            return report(outcome, applied, stoppedBecause, moves, null);
        }

        /**
         * The report of this plan with the moves made (all passes'); each master's slots, keys and bytes after are
         * as {@code measured} found them when given (a measurement after the moves), else this plan's estimate
         * moved by {@code made}. within_threshold is judged on those.
         */
        RebalanceReport report(String outcome, RebalanceReport.Applied applied, String stoppedBecause,
                               List<Planner.Move> made, Plan measured) {
            ExitCode code = switch (outcome) {
                case "failed" -> ExitCode.FAILED;
                case "interrupted" -> ExitCode.INTERRUPTED;
                default -> ExitCode.DONE;
            };
            List<Planner.Master> after = measured != null ? measured.masters : after(made);
            Map<String, Planner.Master> afterById = new HashMap<>();
            after.forEach(m -> afterById.put(m.id(), m));
            List<RebalanceReport.MasterRow> rows = new ArrayList<>();
            Map<String, String> address = new HashMap<>();
            for (Planner.Master m : masters) {
                Planner.Master a = afterById.getOrDefault(m.id(), new Planner.Master(m.id(), m.address(), m.weight(),
                        m.drain(), List.of()));
                rows.add(new RebalanceReport.MasterRow(m.address(), m.id(), m.weight(), m.drain(), m.slots().size(),
                        a.slots().size(), keys(m), keys(a), bytes(m), bytes(a), nonData.getOrDefault(m.id(), 0L)));
                address.put(m.id(), m.address());
            }
            return new RebalanceReport(cluster.toString(), request.by().name(), request.threshold(), measurement, rows,
                    group(made, address), imbalanceBefore(), imbalanceAfter(moves), within(after), applied, outcome,
                    stoppedBecause, code.code());
        }

        /** How far the fullest master is past its weighted share, as measured (see {@link #imbalance}). */
        double imbalanceBefore() {
            return imbalance(masters);
        }

        /** The same once {@code made} are made. */
        double imbalanceAfter(List<Planner.Move> made) {
            return imbalance(after(made));
        }

        /** The masters with their slots once {@code made} are made. */
        private List<Planner.Master> after(List<Planner.Move> made) {
            Map<String, List<SlotLoad>> slots = new LinkedHashMap<>();
            masters.forEach(m -> slots.put(m.id(), new ArrayList<>(m.slots())));
            for (Planner.Move move : made) {
                slots.computeIfAbsent(move.from(), k -> new ArrayList<>()).removeIf(s -> s.slot() == move.slot().slot());
                slots.computeIfAbsent(move.to(), k -> new ArrayList<>()).add(move.slot());
            }
            return masters.stream().map(m -> new Planner.Master(m.id(), m.address(), m.weight(), m.drain(),
                    slots.get(m.id()))).toList();
        }

        /** Every master within the threshold of its weighted share of the total. */
        private boolean within(List<Planner.Master> after) {
            double weights = after.stream().filter(m -> !m.drain()).mapToDouble(Planner.Master::weight).sum();
            double total = after.stream().mapToLong(Plan::bytes).sum();
            for (Planner.Master m : after) {
                double share = m.drain() || weights == 0 ? 0 : total * m.weight() / weights;
                if (Math.abs(bytes(m) - share) > Math.max(share * request.threshold(), 1)) {
                    return false;
                }
            }
            return true;
        }

        private static long bytes(Planner.Master m) {
            return m.slots().stream().mapToLong(SlotLoad::bytes).sum();
        }

        private static long keys(Planner.Master m) {
            return m.slots().stream().mapToLong(SlotLoad::keys).sum();
        }

        /**
         * The largest of the masters' estimated bytes ÷ their weighted share of the total (a master being drained has no
         * share, and is left out): largest ÷ mean when no weight is given and nothing is drained. 1.0 for no data.
         */
        private static double imbalance(List<Planner.Master> ms) {
            double weights = ms.stream().filter(m -> !m.drain()).mapToDouble(Planner.Master::weight).sum();
            double total = ms.stream().mapToLong(Plan::bytes).sum();
            if (weights <= 0 || total <= 0) {
                return 1.0;
            }
            double worst = 0;
            for (Planner.Master m : ms) {
                if (!m.drain() && m.weight() > 0) {
                    worst = Math.max(worst, bytes(m) / (total * m.weight() / weights));
                }
            }
            return Math.round(worst * 1000) / 1000.0;
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
