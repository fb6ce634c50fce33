package dev.cachectl;

import java.nio.file.Path;
import java.util.Map;

/**
 * What a run of cachectl sees of the outside world besides its arguments: environment variables
 * and the working directory. The front door takes it so tests can run commands with their own
 * {@code PATH}, {@code CACHECTL_HOME} or {@code REDIS_URL} without touching the JVM's.
 */
public record Environment(Map<String, String> variables, Path workingDir) {

    public static Environment system() {
        return new Environment(System.getenv(), Path.of("").toAbsolutePath());
    }

    public String get(String name) {
        return variables.get(name);
    }
}
