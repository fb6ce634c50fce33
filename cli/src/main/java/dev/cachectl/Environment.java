package dev.cachectl;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a run of cachectl sees of the outside world besides its arguments: environment variables,
 * the working directory, stdin and whether it runs on a terminal. The front door takes it so tests can run commands with their own
 * {@code PATH}, {@code CACHECTL_HOME}, {@code REDIS_URL} or input without touching the JVM's.
 */
public record Environment(Map<String, String> variables, Path workingDir, InputStream stdin, boolean terminal) {

    /** With the process's own stdin, not on a terminal. */
    public Environment(Map<String, String> variables, Path workingDir) {
        this(variables, workingDir, System.in);
    }

    /** Not on a terminal. */
    public Environment(Map<String, String> variables, Path workingDir, InputStream stdin) {
        this(variables, workingDir, stdin, false);
    }

    /** The process's own; {@code terminal} when stdin and stdout are a terminal (what a full-screen view needs). */
    public static Environment system() {
        return new Environment(System.getenv(), Path.of("").toAbsolutePath(), System.in, System.console() != null);
    }

    public String get(String name) {
        return variables.get(name);
    }
}
