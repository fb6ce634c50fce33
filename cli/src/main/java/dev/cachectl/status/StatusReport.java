package dev.cachectl.status;

import java.util.List;

/** The answer of {@code status}: the instances asked about, and whether all of them are up. */
public record StatusReport(List<InstanceStatus> instances, Double intervalSeconds) {

    public boolean allUp() {
        return instances.stream().allMatch(InstanceStatus::up);
    }
}
