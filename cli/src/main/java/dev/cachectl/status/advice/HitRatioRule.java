package dev.cachectl.status.advice;

import dev.cachectl.status.InstanceStatus;

import java.util.Locale;
import java.util.Optional;

/**
 * Hit ratio below 80%: over {@code --interval} when status sampled one, else since the server started;
 * only once enough lookups were made for the ratio to mean something.
 */
final class HitRatioRule implements Rule {
    static final double THRESHOLD = 0.80;
    static final long MIN_LOOKUPS = 100;

    @Override
    public String name() {
        return "hit_ratio";
    }

    @Override
    public Optional<Finding> check(Subject subject) {
        InstanceStatus s = subject.status();
        InstanceStatus.Change change = s.change();
        long lookups = change != null ? (change.hits() == null ? 0 : change.hits() + change.misses())
                : (s.server().hits() == null ? 0 : s.server().hits()) + (s.server().misses() == null ? 0 : s.server().misses());
        Double ratio = change != null ? s.server().hitRatioInterval() : s.server().hitRatio();
        if (ratio == null || lookups < MIN_LOOKUPS || ratio >= THRESHOLD) {
            return Optional.empty();
        }
        String when = change != null ? subject.overInterval() : "since the server started";
        return Optional.of(finding(subject,
                String.format(Locale.ROOT, "hit ratio %.1f%% %s (%d lookups) is below %.0f%%", ratio * 100, when, lookups,
                        THRESHOLD * 100),
                "a cache that misses that often mostly adds latency: warm it (cachectl warm), give keys longer TTLs, "
                        + "or give it more memory if it evicts"));
    }
}
