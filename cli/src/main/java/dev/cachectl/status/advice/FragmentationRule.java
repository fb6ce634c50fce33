package dev.cachectl.status.advice;

import dev.cachectl.status.InstanceStatus;
import dev.cachectl.util.Sizes;

import java.util.Locale;
import java.util.Optional;

/**
 * Fragmentation above 1.4 with more than 10 MB held by the process beyond what Redis uses; like MEMORY
 * DOCTOR, not for an almost empty server (under 5 MB used), whose RSS is mostly the program itself.
 */
final class FragmentationRule implements Rule {
    static final double RATIO = 1.4;
    static final long WASTED = 10L << 20;
    static final long ALMOST_EMPTY = 5L << 20;

    @Override
    public String name() {
        return "fragmentation";
    }

    @Override
    public Optional<Finding> check(Subject subject) {
        InstanceStatus s = subject.status();
        Double fragmentation = s.details().fragmentation();
        if (fragmentation == null || s.usedMemory() == null || fragmentation <= RATIO
                || s.usedMemory() < ALMOST_EMPTY) {
            return Optional.empty();
        }
        long wasted = Math.round((fragmentation - 1) * s.usedMemory());
        if (wasted <= WASTED) {
            return Optional.empty();
        }
        return Optional.of(finding(subject,
                String.format(Locale.ROOT, "fragmentation %.2f (above %.1f) wastes %s", fragmentation, RATIO,
                        Sizes.human(wasted)),
                "turn on active defragmentation (CONFIG SET activedefrag yes), or restart it in a quiet hour "
                        + "(with persistence, or warm it again)"));
    }
}
