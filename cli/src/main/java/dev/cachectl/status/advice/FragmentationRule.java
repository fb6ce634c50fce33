package dev.cachectl.status.advice;

import dev.cachectl.status.InstanceStatus;
import dev.cachectl.status.NodeStatus;
import dev.cachectl.util.Sizes;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Fragmentation above 1.4 with more than 10 MB held by the process beyond what Redis uses; like MEMORY
 * DOCTOR, not for an almost empty server (under 5 MB used), whose RSS is mostly the program itself. The
 * waste is the server's own figure, from the same sample as its ratio ({@code mem_fragmentation_bytes}); the
 * ratio times the live used memory mixed a sample up to 100 ms old with the present. A cluster is judged node by
 * node, each a process of its own: a fresh cluster's nodes are each almost empty, however many there are.
 */
final class FragmentationRule implements Rule {
    static final double RATIO = 1.4;
    static final long WASTED = 10L << 20;
    static final long ALMOST_EMPTY = 5L << 20;

    /** One server's reading: where (null for a standalone one), its ratio, the bytes it wastes. */
    private record Waste(String node, double ratio, long bytes) {
    }

    @Override
    public String name() {
        return "fragmentation";
    }

    @Override
    public Optional<Finding> check(Subject subject) {
        InstanceStatus s = subject.status();
        List<NodeStatus> nodes = s.topology() == null ? null : s.topology().nodes();
        List<Waste> wastes = new ArrayList<>();
        if (nodes == null) {
            waste(null, s.details().fragmentation(), s.details().fragmentationBytes(), s.usedMemory()).ifPresent(wastes::add);
        } else {
            for (NodeStatus n : nodes) {
                waste(n.host() + ":" + n.port(), n.fragmentation(), n.fragmentationBytes(), n.usedMemory())
                        .ifPresent(wastes::add);
            }
        }
        if (wastes.isEmpty()) {
            return Optional.empty();
        }
        Waste worst = wastes.stream().max(Comparator.comparingLong(Waste::bytes)).orElseThrow();
        String measure = String.format(Locale.ROOT, "fragmentation %.2f%s (above %.1f) wastes %s", worst.ratio(),
                worst.node() == null ? "" : " on node " + worst.node(), RATIO, Sizes.human(worst.bytes()));
        if (wastes.size() > 1) {
            measure += String.format(Locale.ROOT, "; %d nodes waste %s in all", wastes.size(),
                    Sizes.human(wastes.stream().mapToLong(Waste::bytes).sum()));
        }
        return Optional.of(finding(subject, measure,
                "turn on active defragmentation (CONFIG SET activedefrag yes), or restart it in a quiet hour "
                        + "(with persistence, or warm it again)"));
    }

    /** What one server wastes, when the rule's thresholds say it is too much. */
    private static Optional<Waste> waste(String node, Double ratio, Long bytes, Long used) {
        if (ratio == null || used == null || ratio <= RATIO || used < ALMOST_EMPTY) {
            return Optional.empty();
        }
        // a server older than 5.0 gives only the ratio
        long wasted = bytes != null ? bytes : Math.round((ratio - 1) * used);
        return wasted > WASTED ? Optional.of(new Waste(node, ratio, wasted)) : Optional.empty();
    }
}
