package dev.cachectl.status;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.cachectl.ExitCode;

import java.util.List;

/**
 * The answer of {@code status}: the instances asked about, and whether all of them are up.
 * {@code downCode}: the exit code when one is not (3, or 2 when one refused our password or db).
 */
public record StatusReport(List<InstanceStatus> instances, Double intervalSeconds, @JsonIgnore ExitCode downCode) {

    public ExitCode exitCode() {
        return allUp() ? ExitCode.DONE : downCode;
    }

    public boolean allUp() {
        return instances.stream().allMatch(InstanceStatus::up);
    }
}
