package dev.cachectl.status.advice;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.cachectl.ExitCode;
import dev.cachectl.status.StatusReport;
import dev.cachectl.status.analyze.Analysis;

import java.util.List;
import java.util.Map;

/**
 * {@code status}'s answer with its advice: the report's fields, the findings, and by instance the analysis
 * of its keyspace ({@code --analyze}; null without it).
 */
public record AdvisedReport(@JsonUnwrapped StatusReport report, List<Finding> findings, Map<String, Analysis> analysis) {

    public static AdvisedReport of(StatusReport report, Advisor advisor, Map<String, Analysis> analyses, boolean analyzed) {
        return new AdvisedReport(report, advisor.findings(report, analyses), analyzed ? analyses : null);
    }

    /** For {@code --check}: down (3, or 2 for a wrong password) before warnings (4) before healthy (0). */
    public ExitCode checkCode() {
        if (!report.allUp()) {
            return report.exitCode();
        }
        return findings.isEmpty() ? ExitCode.DONE : ExitCode.PARTIAL;
    }
}
