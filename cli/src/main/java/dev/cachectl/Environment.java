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
 * {@code terminal}: stdin and stdout are a terminal (tables in colour, a full-screen view);
 * {@code errorTerminal}: stderr is one (errors in colour, a progress bar), whatever stdout is.
 */
public record Environment(Map<String, String> variables, Path workingDir, InputStream stdin, boolean terminal,
                          boolean errorTerminal, Cancellation.Source signals) {

    /** The system property by which the launcher says whether stderr is a terminal (bash's {@code [[ -t 2 ]]}). */
    public static final String STDERR_TERMINAL = "cachectl.stderr.terminal";

    /** With an empty stdin, not on a terminal. */
    public Environment(Map<String, String> variables, Path workingDir) {
        this(variables, workingDir, new ByteArrayInputStream(new byte[0]));
    }

    /** Not on a terminal. */
    public Environment(Map<String, String> variables, Path workingDir, InputStream stdin) {
        this(variables, workingDir, stdin, false);
    }

    /** Cancelled only from code (no signals watched); stderr on the same terminal as stdout, or not. */
    public Environment(Map<String, String> variables, Path workingDir, InputStream stdin, boolean terminal) {
        this(variables, workingDir, stdin, terminal, terminal, Cancellation.Source.NONE);
    }

    /** stderr on the same terminal as stdout, or not. */
    public Environment(Map<String, String> variables, Path workingDir, InputStream stdin, boolean terminal,
                       Cancellation.Source signals) {
        this(variables, workingDir, stdin, terminal, terminal, signals);
    }

    /**
     * The process's own; {@code terminal} when stdin and stdout are a terminal (what a full-screen view
     * needs), {@code errorTerminal} when stderr is. Signals are watched only when {@code main} says how
     * ({@link #withSignals}).
     */
    public static Environment system() {
        return new Environment(System.getenv(), Path.of("").toAbsolutePath(), System.in, System.console() != null,
                stderrIsTerminal(System.getProperty(STDERR_TERMINAL), Path.of("/proc/self/fd/2")), Cancellation.Source.NONE);
    }

    /**
     * What the launcher said ({@code true} or {@code false}); without it (java run by hand, a test's JVM),
     * what the descriptor links to where Linux shows it: a pseudo-terminal or a tty. Java itself can only
     * tell whether stdin and stdout both are one.
     */
    public static boolean stderrIsTerminal(String told, Path fd2) {
        if ("true".equals(told) || "false".equals(told)) {
            return Boolean.parseBoolean(told);
        }
        try {
            String target = java.nio.file.Files.readSymbolicLink(fd2).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (java.io.IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    public Environment withSignals(Cancellation.Source source) {
        return new Environment(variables, workingDir, stdin, terminal, errorTerminal, source);
    }

    public Environment withStdin(InputStream in, boolean onTerminal) {
        return new Environment(variables, workingDir, in, onTerminal, errorTerminal, signals);
    }

    public String get(String name) {
        return variables.get(name);
    }
}
