package dev.cachectl.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What one run of the front door produced. Assertions print both streams, so a failure explains itself. */
public record CliResult(int exitCode, String out, String err) {

    public CliResult assertExit(int expected) {
        assertEquals(expected, exitCode, () -> "exit code\n--- stdout ---\n" + out + "--- stderr ---\n" + err);
        return this;
    }

    public CliResult assertOk() {
        return assertExit(0);
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
    }
}
