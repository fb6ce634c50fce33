package dev.cachectl.status.advice;

import dev.cachectl.status.InstanceStatus;
import dev.cachectl.status.analyze.Analysis;

/** What a rule looks at: an instance's status (up), and the analysis of its keyspace when one ran (else null). */
public record Subject(InstanceStatus status, Analysis analysis) {

    public String name() {
        return status.name();
    }

    /** "over the last 5s" when status sampled an interval. */
    String overInterval() {
        return "over the last " + Math.round(status.change().seconds()) + "s";
    }
}
