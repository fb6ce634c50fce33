package dev.cachectl.status.advice;

import dev.cachectl.status.InstanceStatus;
import dev.cachectl.status.analyze.Analysis;

import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** Keys were evicted over {@code --interval}: memory is short; an analysis names the namespaces taking most of it. */
final class EvictionRule implements Rule {
    private static final int NAMESPACES_NAMED = 3;

    @Override
    public String name() {
        return "evictions";
    }

    @Override
    public Optional<Finding> check(Subject subject) {
        InstanceStatus.Change change = subject.status().change();
        if (change == null || change.evictions() == null || change.evictions() <= 0) {
            return Optional.empty();
        }
        String measure = change.evictions() + " keys evicted " + subject.overInterval();
        Analysis analysis = subject.analysis();
        if (analysis != null && !analysis.namespaces().isEmpty()) {
            measure += "; most memory: " + analysis.namespaces().stream().limit(NAMESPACES_NAMED)
                    .map(g -> String.format(Locale.ROOT, "%s %.0f%%", g.name(), g.memoryShare() * 100))
                    .collect(Collectors.joining(", "));
        }
        return Optional.of(finding(subject, measure,
                "the cache is too small for what it holds: raise maxmemory, shorten the TTLs of the biggest namespaces, "
                        + "or move one to another instance (cachectl migrate --match 'PREFIX*')"));
    }
}
