package dev.cachectl.lifecycle;

import dev.cachectl.util.SecureFiles;

import java.nio.file.Path;
import java.util.Map;

/** {@code $CACHECTL_HOME} (default {@code ~/.cachectl}): one folder per managed instance, the extracted binaries, the supervisor's files. */
public record Home(Path root) {

    public static Home resolve(Path explicit, Map<String, String> env) {
        if (explicit != null) {
            return new Home(explicit.toAbsolutePath().normalize());
        }
        String fromEnv = env.get("CACHECTL_HOME");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return new Home(Path.of(fromEnv).toAbsolutePath().normalize());
        }
        return new Home(Path.of(System.getProperty("user.home"), ".cachectl"));
    }

    public Path instancesDir() {
        return root.resolve("instances");
    }

    public Path instanceDir(String name) {
        return instancesDir().resolve(name);
    }

    public Path binDir() {
        return root.resolve("bin");
    }

    public Path locksDir() {
        return root.resolve("locks");
    }

    public Path supervisorLog() {
        return root.resolve("supervisor.log");
    }

    public Path supervisorLock() {
        return locksDir().resolve("supervisor.lock");
    }

    /** Creates the home and its folders, all 0700, and returns it. */
    public Home ensure() {
        SecureFiles.ensureDir(root);
        SecureFiles.ensureDir(instancesDir());
        SecureFiles.ensureDir(locksDir());
        return this;
    }
}
