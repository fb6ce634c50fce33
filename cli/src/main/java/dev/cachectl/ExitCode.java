package dev.cachectl;

/** The exit codes of PRODUCT.md, in one table; help prints it. */
public enum ExitCode {
    DONE(0, "done"),
    FAILED(1, "failed"),
    USAGE(2, "usage or configuration error"),
    DOWN(3, "an instance is down or unreachable"),
    PARTIAL(4, "partly done: some items failed (the summary lists them)"),
    LOCKED(5, "skipped: another run holds the lock"),
    INTERRUPTED(130, "interrupted (checkpoint saved where the command keeps one)");

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }
}
