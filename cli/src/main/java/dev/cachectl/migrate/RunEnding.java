package dev.cachectl.migrate;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;

/**
 * How a copy ended, in the one outcome vocabulary every migrate summary uses, with its exit code and
 * the reason it stopped early: a fatal error's own exit code, 130 when interrupted, 1 when it stopped
 * with no cause recorded (never reported as done), else 4 when something failed and 0 when all is well.
 */
public record RunEnding(String outcome, ExitCode exit, String because) {

    /**
     * {@code unexplained}: what to say when the run is incomplete with no cause recorded; {@code partial}:
     * some items failed or verification found mismatches.
     */
    public static RunEnding of(CachectlException fatal, String cancelled, boolean complete, boolean partial, String unexplained) {
        if (fatal != null) {
            return new RunEnding("failed", fatal.exitCode(), fatal.getMessage());
        }
        if (cancelled != null) {
            return new RunEnding("interrupted", ExitCode.INTERRUPTED, cancelled);
        }
        if (!complete) {
            return new RunEnding("failed", ExitCode.FAILED, unexplained);
        }
        return partial ? new RunEnding("partial", ExitCode.PARTIAL, null) : new RunEnding("completed", ExitCode.DONE, null);
    }
}
