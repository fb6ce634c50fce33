package dev.cachectl.status.advice;

import dev.cachectl.redis.RedisDetails;
import dev.cachectl.status.InstanceStatus;
import dev.cachectl.util.Sizes;

import java.util.Locale;
import java.util.Optional;

/**
 * Writes are about to fail ({@code noeviction} and memory above 90% of maxmemory), or nothing limits
 * the growth (no maxmemory, and memory grew by more than 1 MB over {@code --interval}).
 */
final class MemoryLimitRule implements Rule {
    static final double FULL = 0.90;
    static final long GROWTH = 1L << 20;

    @Override
    public String name() {
        return "memory_limit";
    }

    @Override
    public Optional<Finding> check(Subject subject) {
        InstanceStatus s = subject.status();
        if (s.usedMemory() == null || s.maxmemory() == null) {
            return Optional.empty();
        }
        if (s.maxmemory() != null && s.maxmemory() > 0 && "noeviction".equals(RedisDetails.of(s.details()).maxmemoryPolicy())
                && s.usedMemory() > FULL * s.maxmemory()) {
            return Optional.of(finding(subject,
                    String.format(Locale.ROOT, "memory %s is %.0f%% of maxmemory %s under noeviction (above %.0f%%)",
                            Sizes.human(s.usedMemory()), 100.0 * s.usedMemory() / s.maxmemory(), Sizes.human(s.maxmemory()),
                            FULL * 100),
                    "writes fail with OOM once it is full: raise maxmemory, or for a cache choose an eviction policy "
                            + "(CONFIG SET maxmemory-policy allkeys-lru)"));
        }
        if (s.maxmemory() == 0 && s.change() != null && s.change().usedMemory() > GROWTH) {
            return Optional.of(finding(subject,
                    "no maxmemory, and memory grew by " + Sizes.human(s.change().usedMemory()) + " " + subject.overInterval()
                            + " to " + Sizes.human(s.usedMemory()),
                    "nothing stops it growing until the machine runs out: set maxmemory and an eviction policy "
                            + "(cachectl start --maxmemory 1gb --policy allkeys-lru, or CONFIG SET)"));
        }
        return Optional.empty();
    }
}
