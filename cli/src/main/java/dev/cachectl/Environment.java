package dev.cachectl;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a run of cachectl sees of the outside world besides its arguments: environment variables,
 * the working directory and stdin. The front door takes it so tests can run commands with their own
 * {@code PATH}, {@code CACHECTL_HOME}, {@code REDIS_URL} or input without touching the JVM's.
 */
public record Environment(Map<String, String> variables, Path workingDir, InputStream stdin) {

    /** With the process's own stdin. */
    public Environment(Map<String, String> variables, Path workingDir) {
        this(variables, workingDir, System.in);
    }

    public static Environment system() {
        return new Environment(System.getenv(), Path.of("").toAbsolutePath());
    }

    public String get(String name) {
        return variables.get(name);
    }
}
