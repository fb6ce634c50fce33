package dev.cachectl;

/**
 * The exit codes of PRODUCT.md, in one table; help prints it. Each has the outcome word a JSON
 * document gives it, from the one lower-case vocabulary of every command's outcome.
 */
public enum ExitCode {
    DONE(0, "done", "completed"),
    FAILED(1, "failed", "failed"),
    USAGE(2, "usage or configuration error", "failed"),
    DOWN(3, "an instance is down or unreachable", "failed"),
    PARTIAL(4, "partly done: some items failed (the summary lists them)", "partial"),
    LOCKED(5, "skipped: another run holds the lock", "skipped"),
    INTERRUPTED(130, "interrupted (checkpoint saved where the command keeps one)", "interrupted");

    private final int code;
    private final String meaning;
    private final String outcome;

    ExitCode(int code, String meaning, String outcome) {
        this.code = code;
        this.meaning = meaning;
        this.outcome = outcome;
    }

    /** The word a JSON document's {@code outcome} gives a run that ended with this code. */
    public String outcome() {
        return outcome;
    }

    public int code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }
}
