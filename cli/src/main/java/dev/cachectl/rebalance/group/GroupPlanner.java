package dev.cachectl.rebalance.group;

import dev.cachectl.util.Sizes;

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

    /**
     * Why the group stays unbalanced once the plan is made, or null when it does not: every instance under the
     * threshold and the fullest and emptiest within the tolerance. Names the fullest instance, how it is off,
     * and why none of its categories can move (pinned, no room under the threshold elsewhere, or a category so
     * big that moving it leaves the target as full as the source was, or fuller).
     */
    static String stuck(List<Instance> instances, List<Category> categories, Plan plan, double threshold,
                        double tolerance) {
        Map<String, Long> used = plan.usedAfter();
        Map<String, Long> max = new LinkedHashMap<>();
        instances.forEach(i -> max.put(i.name(), i.max()));
        String fullest = instances.stream().map(Instance::name)
                .max(Comparator.comparingDouble(n -> ratio(used, max, n))).orElseThrow();
        String emptiest = instances.stream().map(Instance::name)
                .min(Comparator.comparingDouble(n -> ratio(used, max, n))).orElseThrow();
        double top = ratio(used, max, fullest);
        double bottom = ratio(used, max, emptiest);
        if (top <= threshold && top - bottom <= tolerance) {
            return null;
        }
        String off = top > threshold
                ? fullest + " is past the threshold (" + percent(top) + ", threshold " + percent(threshold) + ")"
                : fullest + " and " + emptiest + " are " + Math.round((top - bottom) * 100) + " points apart ("
                + percent(top) + " and " + percent(bottom) + ", tolerance " + percent(tolerance) + ")";
        // where each category is once the plan is carried out: one the plan moves to the fullest is on it then
        Map<String, String> movedTo = new LinkedHashMap<>();
        plan.moves().forEach(m -> movedTo.put(m.category().name(), m.to()));
        List<Category> on = categories.stream()
                .filter(c -> movedTo.getOrDefault(c.name(), c.instance()).equals(fullest) && c.bytes() > 0).toList();
        List<String> why = new ArrayList<>();
        if (on.isEmpty()) {
            why.add("no category with keys is left on " + fullest + " (its memory is keys of no category)");
        }
        List<String> pinned = on.stream().filter(Category::pinned).map(Category::name).toList();
        if (!pinned.isEmpty()) {
            why.add((pinned.size() == on.size() ? "every category on " + fullest + " is pinned (" : "pinned: ")
                    + String.join(", ", pinned) + (pinned.size() == on.size() ? ")" : ""));
        }
        for (Category c : on) {
            if (c.pinned()) {
                continue;
            }
            String target = null;
            double best = Double.MAX_VALUE;
            for (Instance t : instances) {
                double to = (double) (used.get(t.name()) + c.bytes()) / t.max();
                if (!t.name().equals(fullest) && to < best) {
                    best = to;
                    target = t.name();
                }
            }
            if (target == null) {
                continue;
            }
            if (movedTo.containsKey(c.name()) && best <= threshold && best < top) {
                why.add(c.name() + " (" + Sizes.human(c.bytes()) + ") arrives on " + fullest + " with this plan, and a"
                        + " category moves once per run: run it again once these moves are applied");
                continue;
            }
            why.add(best > threshold
                    ? c.name() + " (" + Sizes.human(c.bytes()) + ") would take " + target + " to "
                    + percent(best) + ", past the threshold"
                    : c.name() + " (" + Sizes.human(c.bytes()) + ") would leave " + target + " at "
                    + percent(best) + ", no better than " + fullest + " is now");
        }
        return off + "; nothing can move: " + String.join("; ", why);
    }

    private static String percent(double share) {
        return Math.round(share * 100) + "%";
    }

    static double ratio(Map<String, Long> used, Map<String, Long> max, String name) {
        return (double) used.get(name) / max.get(name);
    }
}
