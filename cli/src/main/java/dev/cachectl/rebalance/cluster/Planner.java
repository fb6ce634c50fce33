package dev.cachectl.rebalance.cluster;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Chooses whole slots to move from the fullest masters to the emptiest until each is within the threshold of
 * its weighted share (once moving, within half of it). Engine-neutral: it sees masters, their slots and each slot's load, nothing else.
 *
 * <p>A master whose share is 0 (drained) gives away every slot first. Then each step makes the one move that
 * lowers the sum of squared deviations from the weighted shares most (so few, big moves, and never an end worse
 * than the start). It stops when everyone is within the threshold or no move helps (every slot left is too big
 * for the remaining gaps: the plan says how close it got).
 *
 * <p>Moving data costs, so a move must pay beyond the measurement's error: a slot moves only when it is smaller
 * than the gap between the two masters by more than that error (a slot as big as the gap only moves the peak to
 * the other master), gains within the error of each other count as equal and the smaller slot moves, and a slot
 * bigger than its master's share stays where it is: that master's share becomes the slot, the rest is shared by
 * the others (no plan brings the largest master below its biggest slot, so only what lies beside it moves).
 */
final class Planner {
    /** A master as the planner sees it. weight 0 with drain: every slot must leave. */
    record Master(String id, String address, double weight, boolean drain, List<SlotLoad> slots) {
    }

    /** One slot leaving one master for another. */
    record Move(SlotLoad slot, String from, String to) {
    }

    private static final int MAX_MOVES = 16384 * 4;

    private Planner() {
    }

    /**
     * error: how far the measured loads may be off, as a fraction of them (two standard deviations; 0 for exact
     * loads).
     */
    static List<Move> plan(List<Master> masters, ClusterRequest.By by, double threshold, double error) {
        int n = masters.size();
        double[] load = new double[n];
        List<TreeMap<Double, List<SlotLoad>>> bySize = new ArrayList<>();
        double total = 0;
        double weights = 0;
        for (int i = 0; i < n; i++) {
            TreeMap<Double, List<SlotLoad>> sizes = new TreeMap<>();
            for (SlotLoad s : masters.get(i).slots()) {
                double w = size(s, by);
                sizes.computeIfAbsent(w, k -> new ArrayList<>()).add(s);
                load[i] += w;
            }
            bySize.add(sizes);
            total += load[i];
            weights += masters.get(i).drain() ? 0 : masters.get(i).weight();
        }
        List<Move> moves = new ArrayList<>();
        if (weights <= 0) {
            return moves;
        }
        boolean[] pinned = new boolean[n];
        double[] share = shares(masters, bySize, total, threshold, pinned);
        double tolerance = total * threshold / Math.max(1, n);
        // moves start when a master is off by more than the threshold and go on until each is within half of it,
        // so that the estimate's error does not leave the result at the edge
        double aim = withinEveryone(load, share, pinned, threshold, tolerance) ? threshold : threshold / 2;
        for (int step = 0; step < MAX_MOVES; step++) {
            share = shares(masters, bySize, total, threshold, pinned);
            Move move = drainMove(masters, load, share, bySize);
            if (move == null) {
                if (withinEveryone(load, share, pinned, aim, tolerance)) {
                    break;
                }
                move = bestMove(masters, load, share, pinned, bySize, error);
            }
            if (move == null) {
                break;
            }
            int from = index(masters, move.from());
            int to = index(masters, move.to());
            double w = size(move.slot(), by);
            remove(bySize.get(from), w, move.slot());
            bySize.get(to).computeIfAbsent(w, k -> new ArrayList<>()).add(move.slot());
            load[from] -= w;
            load[to] += w;
            moves.add(move);
        }
        return moves;
    }

    /**
     * Each master's weighted share of the total, except that a master whose biggest slot is larger than its share
     * (by more than the threshold) is pinned: its share is that slot, and the rest of the total is shared by the
     * others by weight (repeated until no other master's biggest slot exceeds its share). A drained master's share
     * is 0.
     */
    private static double[] shares(List<Master> masters, List<TreeMap<Double, List<SlotLoad>>> bySize, double total,
                                   double threshold, boolean[] pinned) {
        int n = masters.size();
        double[] share = new double[n];
        Arrays.fill(pinned, false);
        double rest = total;
        double weights = 0;
        for (Master m : masters) {
            weights += m.drain() ? 0 : m.weight();
        }
        for (boolean more = true; more; ) {
            more = false;
            for (int i = 0; i < n; i++) {
                double w = masters.get(i).drain() ? 0 : masters.get(i).weight();
                if (!pinned[i] && w > 0 && !bySize.get(i).isEmpty() && bySize.get(i).lastKey() > rest * w / weights * (1 + threshold)) {
                    pinned[i] = true;
                    share[i] = bySize.get(i).lastKey();
                    rest -= share[i];
                    weights -= w;
                    more = true;
                }
            }
        }
        for (int i = 0; i < n; i++) {
            if (!pinned[i]) {
                share[i] = masters.get(i).drain() || weights <= 0 ? 0 : rest * masters.get(i).weight() / weights;
            }
        }
        return share;
    }

    /**
     * A master drained (or of weight 0) gives away every slot, largest first, each to the master furthest below its
     * share (so the big ones spread and the small ones even out what they left); null when no master is draining.
     * (Not every master whose share is 0: beside a pinned slot that holds all the data, the others' share is 0 too.)
     */
    private static Move drainMove(List<Master> masters, double[] load, double[] share,
                                  List<TreeMap<Double, List<SlotLoad>>> bySize) {
        for (int i = 0; i < load.length; i++) {
            if (leaving(masters.get(i)) && !bySize.get(i).isEmpty()) {
                int under = -1;
                for (int j = 0; j < load.length; j++) {
                    // of two as far below, the one with fewer slots (slots without keys weigh nothing)
                    if (!leaving(masters.get(j)) && (under < 0 || load[j] - share[j] < load[under] - share[under]
                            || load[j] - share[j] == load[under] - share[under]
                            && slots(bySize.get(j)) < slots(bySize.get(under)))) {
                        under = j;
                    }
                }
                return under < 0 ? null : new Move(last(bySize.get(i).lastEntry().getValue()), masters.get(i).id(),
                        masters.get(under).id());
            }
        }
        return null;
    }

    private static int slots(TreeMap<Double, List<SlotLoad>> sizes) {
        return sizes.values().stream().mapToInt(List::size).sum();
    }

    private static boolean leaving(Master m) {
        return m.drain() || m.weight() <= 0;
    }

    /**
     * The move that lowers the sum of squared deviations from the shares most, over every pair of a master above
     * its share and one below; null when none lowers it. Moving a slot of size s from a master a above its share
     * to one b below changes that sum by 2s(s - a - b): the gain is largest for the slot nearest (a + b) / 2, so a
     * slot a little bigger than the smaller gap (one tenant's) wins over thousands of small ones. A slot moves only
     * when it is smaller than the gap a + b by more than the gap's error (else it just moves the peak to b), never
     * a pinned master's biggest slot, and of two gains within the error of each other the smaller slot's wins.
     * Every move lowers the sum, so the plan never ends worse than it started.
     */
    private static Move bestMove(List<Master> masters, double[] load, double[] share, boolean[] pinned,
                                 List<TreeMap<Double, List<SlotLoad>>> bySize, double error) {
        Move best = null;
        double bestGain = 0;
        double bestSize = Double.MAX_VALUE;
        // a gap within rounding of the loads is no gap, whatever the error
        double margin = Math.max(error, 1e-9);
        for (int i = 0; i < load.length; i++) {
            double above = load[i] - share[i];
            if (above <= 0 || bySize.get(i).isEmpty()) {
                continue;
            }
            // a pinned master's biggest slot stays (another slot of the same size may go)
            TreeMap<Double, List<SlotLoad>> all = bySize.get(i);
            NavigableMap<Double, List<SlotLoad>> movable = pinned[i] && all.lastEntry().getValue().size() == 1
                    ? all.headMap(all.lastKey(), false) : all;
            for (int j = 0; j < load.length; j++) {
                double below = share[j] - load[j];
                if (j == i || share[j] <= 0 || below <= 0) {
                    continue;
                }
                double gap = above + below;
                for (Map.Entry<Double, List<SlotLoad>> e : candidates(movable, gap / 2)) {
                    double s = e.getKey();
                    double gain = 2 * s * (gap - s);
                    double noise = error * Math.max(gain, bestGain);
                    boolean better = gain - bestGain > noise || (gain >= bestGain - noise && s < bestSize);
                    if (s > 0 && gap - s > margin * gap && better) {
                        bestGain = gain;
                        bestSize = s;
                        best = new Move(last(e.getValue()), masters.get(i).id(), masters.get(j).id());
                    }
                }
            }
        }
        return best;
    }

    /** The slot sizes nearest {@code target}: the largest at most it and the smallest above it. */
    private static List<Map.Entry<Double, List<SlotLoad>>> candidates(NavigableMap<Double, List<SlotLoad>> sizes, double target) {
        List<Map.Entry<Double, List<SlotLoad>>> near = new ArrayList<>(2);
        Map.Entry<Double, List<SlotLoad>> floor = sizes.floorEntry(target);
        if (floor != null && floor.getKey() > 0) {
            near.add(floor);
        }
        Map.Entry<Double, List<SlotLoad>> above = sizes.higherEntry(Math.max(target, 0.0));
        if (above != null) {
            near.add(above);
        }
        return near;
    }

    private static int index(List<Master> masters, String id) {
        for (int i = 0; i < masters.size(); i++) {
            if (masters.get(i).id().equals(id)) {
                return i;
            }
        }
        throw new IllegalArgumentException(id);
    }

    /** A pinned master is within only when it holds (next to) nothing beside its biggest slot: that is its peak. */
    private static boolean withinEveryone(double[] load, double[] share, boolean[] pinned, double threshold,
                                          double tolerance) {
        for (int i = 0; i < load.length; i++) {
            double band = pinned[i] ? tolerance * 0.01 : Math.max(share[i] * threshold, tolerance * 0.01);
            if (Math.abs(load[i] - share[i]) > band) {
                return false;
            }
        }
        return true;
    }

    private static SlotLoad last(List<SlotLoad> list) {
        return list.stream().max(Comparator.comparingInt(SlotLoad::slot)).orElseThrow();
    }

    private static void remove(TreeMap<Double, List<SlotLoad>> sizes, double w, SlotLoad s) {
        List<SlotLoad> list = sizes.get(w);
        list.remove(s);
        if (list.isEmpty()) {
            sizes.remove(w);
        }
    }

    private static double size(SlotLoad s, ClusterRequest.By by) {
        return by == ClusterRequest.By.slots ? 1 : s.bytes();
    }
}
