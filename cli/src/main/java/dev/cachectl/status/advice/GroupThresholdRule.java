package dev.cachectl.status.advice;

import dev.cachectl.config.GroupDefinition;
import dev.cachectl.rebalance.group.GroupRebalance;
import dev.cachectl.status.InstanceStatus;
import dev.cachectl.util.Sizes;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An instance of a rebalance group (cachectl.yaml's {@code groups:}) past the group's threshold of its
 * maxmemory (80% when the group does not say): the point where {@code rebalance GROUP} would move
 * categories away, so it says to run that.
 */
final class GroupThresholdRule implements Rule {
    private final Map<String, GroupDefinition> groups;

    GroupThresholdRule(Map<String, GroupDefinition> groups) {
        this.groups = Map.copyOf(groups);
    }

    @Override
    public String name() {
        return "group_threshold";
    }

    @Override
    public Optional<Finding> check(Subject subject) {
        InstanceStatus s = subject.status();
        if (s.usedMemory() == null || s.maxmemory() == null || s.maxmemory() <= 0) {
            return Optional.empty();
        }
        for (Map.Entry<String, GroupDefinition> group : groups.entrySet()) {
            if (group.getValue().instances() == null || !group.getValue().instances().contains(s.name())) {
                continue;
            }
            double threshold = GroupRebalance.share(group.getValue().threshold(), GroupRebalance.DEFAULT_THRESHOLD,
                    "groups." + group.getKey() + ".threshold");
            double used = (double) s.usedMemory() / s.maxmemory();
            if (used > threshold) {
                return Optional.of(finding(subject,
                        String.format(Locale.ROOT, "memory %s is %.0f%% of maxmemory %s, past group %s's threshold of %.0f%%",
                                Sizes.human(s.usedMemory()), used * 100, Sizes.human(s.maxmemory()), group.getKey(), threshold * 100),
                        "move categories to instances with room: 'cachectl rebalance " + group.getKey()
                                + "' shows the plan, --apply carries it out"));
            }
        }
        return Optional.empty();
    }
}
