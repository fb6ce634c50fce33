package dev.cachectl;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a run of cachectl sees of the outside world besides its arguments: environment variables,
 * the working directory, stdin, whether it runs on a terminal, and what may cancel it (the process's
 * signals, the shell's Ctrl-C). The front door takes it so tests can run commands with their own
 * {@code PATH}, {@code CACHECTL_HOME}, {@code REDIS_URL}, input or terminal without touching the JVM's.
 */
public record Environment(Map<String, String> variables, Path workingDir, InputStream stdin, boolean terminal,
                          Cancellation.Source signals) {

    /** With an empty stdin, not on a terminal. */
    public Environment(Map<String, String> variables, Path workingDir) {
        this(variables, workingDir, new ByteArrayInputStream(new byte[0]));
    }

    /** Not on a terminal. */
    public Environment(Map<String, String> variables, Path workingDir, InputStream stdin) {
        this(variables, workingDir, stdin, false);
    }

    /** Cancelled only from code (no signals watched). */
    public Environment(Map<String, String> variables, Path workingDir, InputStream stdin, boolean terminal) {
        this(variables, workingDir, stdin, terminal, Cancellation.Source.NONE);
    }

    /**
     * The process's own; {@code terminal} when stdin and stdout are a terminal (what a full-screen view
     * needs). Signals are watched only when {@code main} says how ({@link #withSignals}).
     */
    public static Environment system() {
        return new Environment(System.getenv(), Path.of("").toAbsolutePath(), System.in, System.console() != null);
    }

    public Environment withSignals(Cancellation.Source source) {
        return new Environment(variables, workingDir, stdin, terminal, source);
    }

    public Environment withStdin(InputStream in, boolean onTerminal) {
        return new Environment(variables, workingDir, in, onTerminal, signals);
    }

    public String get(String name) {
        return variables.get(name);
    }
}
