package dev.cachectl.rebalance.group;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Bin-packing by bytes: while an instance is past the threshold of its maxmemory, or the fullest and
 * the emptiest are further apart than the tolerance, move one whole category off the fullest instance
 * to the one where the pair ends least full, never past the threshold of the target, never a pinned
 * category, each category at most once. Stops when no move makes the fullest instance less full.
 */
final class GroupPlanner {

    record Instance(String name, long used, long max) {
    }

    record Category(String name, String instance, long keys, long bytes, boolean pinned) {
    }

    record Move(Category category, String from, String to) {
    }

    record Plan(List<Move> moves, Map<String, Long> usedAfter) {
    }

    private GroupPlanner() {
    }

    /** {@code unfinished}: moves an earlier run started, carried out first whatever the rest of the plan. */
    static Plan plan(List<Instance> instances, List<Category> categories, List<Move> unfinished, double threshold,
                     double tolerance) {
        Map<String, Long> used = new LinkedHashMap<>();
        Map<String, Long> max = new LinkedHashMap<>();
        instances.forEach(i -> {
            used.put(i.name(), i.used());
            max.put(i.name(), i.max());
        });
        List<Move> moves = new ArrayList<>();
        Set<String> moved = new HashSet<>();
        for (Move m : unfinished) {
            moves.add(m);
            moved.add(m.category().name());
            used.merge(m.from(), -m.category().bytes(), Long::sum);
            used.merge(m.to(), m.category().bytes(), Long::sum);
        }
        for (int round = 0; round < categories.size(); round++) {
            String fullest = instances.stream().map(Instance::name)
                    .max(Comparator.comparingDouble(n -> ratio(used, max, n))).orElseThrow();
            double top = ratio(used, max, fullest);
            double bottom = instances.stream().mapToDouble(i -> ratio(used, max, i.name())).min().orElse(top);
            if (top <= threshold && top - bottom <= tolerance) {
                break;
            }
            Move best = null;
            double bestWorst = top;
            for (Category c : categories) {
                if (!c.instance().equals(fullest) || c.pinned() || c.bytes() <= 0 || moved.contains(c.name())) {
                    continue;
                }
                for (Instance target : instances) {
                    if (target.name().equals(fullest)) {
                        continue;
                    }
                    double to = (double) (used.get(target.name()) + c.bytes()) / target.max();
                    double from = (double) (used.get(fullest) - c.bytes()) / max.get(fullest);
                    double worst = Math.max(to, from);
                    if (to <= threshold && worst < bestWorst - 1e-9) {
                        best = new Move(c, fullest, target.name());
                        bestWorst = worst;
                    }
                }
            }
            if (best == null) {
                break;
            }
            moves.add(best);
            moved.add(best.category().name());
            used.merge(best.from(), -best.category().bytes(), Long::sum);
            used.merge(best.to(), best.category().bytes(), Long::sum);
        }
        return new Plan(moves, used);
    }

    static double ratio(Map<String, Long> used, Map<String, Long> max, String name) {
        return (double) used.get(name) / max.get(name);
    }
}
