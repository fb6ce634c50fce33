package dev.cachectl.status.advice;

import dev.cachectl.config.GroupDefinition;
import dev.cachectl.status.InstanceStatus;
import dev.cachectl.status.StatusReport;
import dev.cachectl.status.analyze.Analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs the rules over every instance that is up; a down instance is status's own finding (exit 3). */
public final class Advisor {
    private final List<Rule> rules;

    public Advisor(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    public static Advisor standard() {
        return new Advisor(List.of(new HitRatioRule(), new MemoryLimitRule(), new EvictionRule(), new VolatileWithoutTtlRule(),
                new FragmentationRule(), new BigKeyRule()));
    }

    /** The standard rules and those that need the config: a rebalance group's threshold. */
    public static Advisor standard(Map<String, GroupDefinition> groups) {
        return groups.isEmpty() ? standard() : standard().with(new GroupThresholdRule(groups));
    }

    /** These rules and {@code more}. */
    public Advisor with(Rule... more) {
        List<Rule> all = new ArrayList<>(rules);
        all.addAll(List.of(more));
        return new Advisor(all);
    }

    /** {@code analyses}: by instance name, those that ran; may be empty. */
    public List<Finding> findings(StatusReport report, Map<String, Analysis> analyses) {
        List<Finding> findings = new ArrayList<>();
        for (InstanceStatus status : report.instances()) {
            if (!status.up()) {
                continue;
            }
            Subject subject = new Subject(status, analyses.get(status.name()));
            rules.forEach(rule -> rule.check(subject).ifPresent(findings::add));
        }
        return findings;
    }
}
