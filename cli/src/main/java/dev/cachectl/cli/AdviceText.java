package dev.cachectl.cli;

import dev.cachectl.status.InstanceStatus;
import dev.cachectl.status.advice.AdvisedReport;
import dev.cachectl.status.advice.Finding;

import java.util.List;

/** The advice as text: a block under the status table, or {@code --check}'s one line per finding. */
final class AdviceText {
    private AdviceText() {
    }

    static void findings(Output output, List<Finding> findings) {
        if (findings.isEmpty()) {
            return;
        }
        output.line("");
        output.line("@|bold Advice|@");
        findings.forEach(f -> output.line("  @|yellow !|@ " + f.line()));
    }

    /** One line per instance down and per finding; one line saying all is well otherwise. */
    static void check(Output output, AdvisedReport advised) {
        List<InstanceStatus> instances = advised.report().instances();
        for (InstanceStatus s : instances) {
            if (!s.up()) {
                output.line("@|red DOWN|@ " + s.name() + ": " + s.error());
            }
        }
        advised.findings().forEach(f -> output.line("@|yellow WARNING|@ " + f.line() + " [" + f.rule() + "]"));
        if (advised.findings().isEmpty() && advised.report().allUp()) {
            output.line("@|green OK|@ " + instances.size() + (instances.size() == 1 ? " instance" : " instances")
                    + " up, no findings");
        }
    }
}
