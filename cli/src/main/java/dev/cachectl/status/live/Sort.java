package dev.cachectl.status.live;

import dev.cachectl.status.InstanceStatus;

import java.util.Comparator;
import java.util.function.Function;

/** The orders {@code s} cycles through in the watch view: by name, then the biggest or busiest first. */
public enum Sort {
    NAME("name", Comparator.comparing(InstanceStatus::name)),
    MEMORY("memory", descending(InstanceStatus::usedMemory)),
    OPS("ops/s", descending(InstanceStatus::opsPerSec)),
    HIT("hit ratio", Comparator.comparing((InstanceStatus s) -> ratio(s), Comparator.nullsLast(Comparator.naturalOrder()))),
    KEYS("keys", descending(InstanceStatus::keys));

    private final String label;
    private final Comparator<InstanceStatus> order;

    Sort(String label, Comparator<InstanceStatus> order) {
        this.label = label;
        this.order = order.thenComparing(InstanceStatus::name);
    }

    public String label() {
        return label;
    }

    public Comparator<InstanceStatus> order() {
        return order;
    }

    public Sort next() {
        return values()[(ordinal() + 1) % values().length];
    }

    /** The ratio over the interval when there is one; lowest first, since a low one is what needs a look. */
    static Double ratio(InstanceStatus s) {
        return s.server().hitRatioInterval() != null ? s.server().hitRatioInterval() : s.server().hitRatio();
    }

    private static <T extends Comparable<T>> Comparator<InstanceStatus> descending(Function<InstanceStatus, T> key) {
        return Comparator.comparing(key, Comparator.nullsLast(Comparator.reverseOrder()));
    }
}
