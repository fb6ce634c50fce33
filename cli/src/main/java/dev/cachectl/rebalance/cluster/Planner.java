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
 * <p>Each step takes the master furthest above its share and the one furthest below, and moves the largest
 * slot that fits in the smaller of the two gaps (so few, big moves), or, when none fits, the smallest slot
 * that still lowers the sum of squared deviations (so the loop ends). It stops when everyone is within the threshold or no
 * move helps (a single slot bigger than the remaining gap: the plan says how close it got).
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
            int over = -1;
            int under = -1;
            for (int i = 0; i < n; i++) {
                if (over < 0 || excess(i, load, share, bySize) > excess(over, load, share, bySize)) {
                    over = i;
                }
                if (share[i] > 0 && (under < 0 || load[i] - share[i] < load[under] - share[under])) {
                    under = i;
                }
            }
            if (over < 0 || under < 0 || over == under) {
                break;
            }
            double above = load[over] - share[over];
            double below = share[under] - load[under];
            boolean draining = share[over] == 0 && !bySize.get(over).isEmpty();
            if (!draining && withinEveryone(load, share, aim, tolerance)) {
                break;
            }
            SlotLoad pick = pick(bySize.get(over), Math.min(above, below), Math.max(above, below), draining, by);
            if (pick == null) {
                break;
            }
            double w = size(pick, by);
            remove(bySize.get(over), w, pick);
            bySize.get(under).computeIfAbsent(w, k -> new ArrayList<>()).add(pick);
            load[over] -= w;
            load[under] += w;
            moves.add(new Move(pick, masters.get(over).id(), masters.get(under).id()));
        }
        return moves;
    }

    private static double excess(int i, double[] load, double[] share, List<TreeMap<Double, List<SlotLoad>>> sizes) {
        return share[i] == 0 && !sizes.get(i).isEmpty() ? Double.MAX_VALUE : load[i] - share[i];
    }

    private static boolean withinEveryone(double[] load, double[] share, double threshold, double tolerance) {
        for (int i = 0; i < load.length; i++) {
            if (Math.abs(load[i] - share[i]) > Math.max(share[i] * threshold, tolerance * 0.01)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The largest slot no bigger than {@code fit}; else the smallest slot when moving it still lowers the sum
     * of squared deviations; when draining, any slot (largest first). Empty slots move only when counting slots
     * or draining.
     */
    private static SlotLoad pick(TreeMap<Double, List<SlotLoad>> sizes, double fit, double worst, boolean draining,
                                 ClusterRequest.By by) {
        if (sizes.isEmpty()) {
            return null;
        }
        if (draining) {
            return last(sizes.lastEntry().getValue());
        }
        Map.Entry<Double, List<SlotLoad>> best = sizes.floorEntry(fit);
        if (best != null && best.getKey() > 0) {
            return last(best.getValue());
        }
        Map.Entry<Double, List<SlotLoad>> smallest = sizes.higherEntry(0.0);
        // moving s from +a to -b changes the sum of squared deviations by 2s(s - a - b): it must fall
        if (smallest != null && smallest.getKey() < fit + worst - 1e-9) {
            return last(smallest.getValue());
        }
        return null;
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
