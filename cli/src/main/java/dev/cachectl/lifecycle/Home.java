package dev.cachectl.lifecycle;

import dev.cachectl.util.FileWrites;

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
        return new Home(userHome(env).resolve(".cachectl"));
    }

    /**
     * The user's home as the shell has it: {@code $HOME} when it is set to an absolute path (what {@code ~} means
     * to the user, and to the docs' {@code ~/.cachectl}), else the account's home directory, which Java reads
     * from the password database.
     */
    private static Path userHome(Map<String, String> env) {
        String home = env.get("HOME");
        if (home != null && !home.isBlank() && Path.of(home).isAbsolute()) {
            return Path.of(home).normalize();
        }
        return Path.of(System.getProperty("user.home"));
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

    /**
     * Creates the home and its folders, all 0700, and returns it; a home that cannot be made ("cannot write the
     * home DIR: Read-only file system") is one line, exit 1. Folders already as they should be are left untouched.
     */
    public Home ensure() {
        FileWrites.ensureDir(root, "the home " + root);
        FileWrites.ensureDir(instancesDir(), "the home " + root);
        FileWrites.ensureDir(locksDir(), "the home " + root);
        return this;
    }
}
