package dev.cachectl.warm;

import dev.cachectl.redis.OwnReads;
import dev.cachectl.warm.sink.RedisTarget;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code --if-hit-ratio-below R} and {@code --if-keys-below N}: an hourly job runs only when the cache
 * is cold by one of the measures given, and skips cheaply when it is warm by all of them. A server
 * that has served no reads yet has no hit ratio, and counts as cold. The hit ratio leaves out the
 * hits and misses cachectl's own reads caused there ({@link OwnReads}).
 */
final class WarmGates {

    private WarmGates() {
    }

    /** Why the run should be skipped, or empty when it should go ahead. */
    static Optional<String> skipReason(RedisTarget target, WarmJob.Gates gates, OwnReads own) {
        if (!gates.any()) {
            return Optional.empty();
        }
        List<String> warm = new ArrayList<>();
        if (gates.hitRatioBelow() != null) {
            long[] hm = target.hitsAndMisses(own);
            long reads = hm[0] + hm[1];
            if (reads == 0) {
                return Optional.empty();
            }
            double ratio = (double) hm[0] / reads;
            if (ratio < gates.hitRatioBelow()) {
                return Optional.empty();
            }
            warm.add("hit ratio " + percent(ratio) + " is not below " + percent(gates.hitRatioBelow()));
        }
        if (gates.keysBelow() != null) {
            long keys = target.keys();
            if (keys < gates.keysBelow()) {
                return Optional.empty();
            }
            warm.add(keys + " keys, not below " + gates.keysBelow());
        }
        return Optional.of("already warm: " + String.join(" and ", warm));
    }

    private static String percent(double ratio) {
        return String.format(Locale.ROOT, "%.1f%%", ratio * 100);
    }
}
