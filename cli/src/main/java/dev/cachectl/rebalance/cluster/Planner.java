package dev.cachectl.rebalance.cluster;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Chooses whole slots to move from the fullest masters to the emptiest until each is within the threshold of
 * its weighted share (once moving, within half of it). Engine-neutral: it sees masters, their slots and each slot's load, nothing else.
 *
 * <p>A master whose share is 0 (drained) gives away every slot first. Then each step makes the one move that
 * lowers the sum of squared deviations from the weighted shares most (so few, big moves, and never an end worse
 * than the start). It stops when everyone is within the threshold or no move helps (every slot left is too big
 * for the remaining gaps: the plan says how close it got).
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

    static List<Move> plan(List<Master> masters, ClusterRequest.By by, double threshold) {
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
        double[] share = new double[n];
        for (int i = 0; i < n; i++) {
            share[i] = masters.get(i).drain() ? 0 : total * masters.get(i).weight() / weights;
        }
        double tolerance = total * threshold / Math.max(1, n);
        // moves start when a master is off by more than the threshold and go on until each is within half of it,
        // so that the estimate's error does not leave the result at the edge
        double aim = withinEveryone(load, share, threshold, tolerance) ? threshold : threshold / 2;
        for (int step = 0; step < MAX_MOVES; step++) {
            Move move = drainMove(masters, load, share, bySize);
            if (move == null) {
                if (withinEveryone(load, share, aim, tolerance)) {
                    break;
                }
                move = bestMove(masters, load, share, bySize);
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
     * A master whose share is 0 (drained, or weight 0) gives away every slot, largest first, each to the master
     * furthest below its share (so the big ones spread and the small ones even out what they left); null when no
     * master is draining.
     */
    private static Move drainMove(List<Master> masters, double[] load, double[] share,
                                  List<TreeMap<Double, List<SlotLoad>>> bySize) {
        for (int i = 0; i < load.length; i++) {
            if (share[i] == 0 && !bySize.get(i).isEmpty()) {
                int under = -1;
                for (int j = 0; j < load.length; j++) {
                    if (share[j] > 0 && (under < 0 || load[j] - share[j] < load[under] - share[under])) {
                        under = j;
                    }
                }
                return under < 0 ? null : new Move(last(bySize.get(i).lastEntry().getValue()), masters.get(i).id(),
                        masters.get(under).id());
            }
        }
        return null;
    }

    /**
     * The move that lowers the sum of squared deviations from the shares most, over every pair of a master above
     * its share and one below; null when none lowers it. Moving a slot of size s from a master a above its share
     * to one b below changes that sum by 2s(s - a - b): the gain is largest for the slot nearest (a + b) / 2, so a
     * slot a little bigger than the smaller gap (one tenant's) wins over thousands of small ones, and a slot of
     * a + b or more never moves. Every move lowers the sum, so the plan never ends worse than it started.
     */
    private static Move bestMove(List<Master> masters, double[] load, double[] share,
                                 List<TreeMap<Double, List<SlotLoad>>> bySize) {
        Move best = null;
        double bestGain = 0;
        for (int i = 0; i < load.length; i++) {
            double above = load[i] - share[i];
            if (above <= 0 || bySize.get(i).isEmpty()) {
                continue;
            }
            for (int j = 0; j < load.length; j++) {
                double below = share[j] - load[j];
                if (j == i || share[j] <= 0 || below <= 0) {
                    continue;
                }
                double half = (above + below) / 2;
                for (Map.Entry<Double, List<SlotLoad>> e : candidates(bySize.get(i), half)) {
                    double s = e.getKey();
                    double gain = 2 * s * (above + below - s);
                    // relative margin: a gain within rounding of the loads is no gain
                    if (s > 0 && gain > bestGain && gain > 1e-9 * (above + below) * (above + below)) {
                        bestGain = gain;
                        best = new Move(last(e.getValue()), masters.get(i).id(), masters.get(j).id());
                    }
                }
            }
        }
        return best;
    }

    /** The slot sizes nearest {@code target}: the largest at most it and the smallest above it. */
    private static List<Map.Entry<Double, List<SlotLoad>>> candidates(TreeMap<Double, List<SlotLoad>> sizes, double target) {
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

    private static boolean withinEveryone(double[] load, double[] share, double threshold, double tolerance) {
        for (int i = 0; i < load.length; i++) {
            if (Math.abs(load[i] - share[i]) > Math.max(share[i] * threshold, tolerance * 0.01)) {
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
