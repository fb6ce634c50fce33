package dev.cachectl.cron;

import dev.cachectl.CachectlException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The {@code cachectl} a crontab line runs: the one the user runs. {@code --launcher PATH}, else
 * {@code $CACHECTL_LAUNCHER} (which the launcher script exports: the path it was called by, so a symlink
 * on PATH keeps working across upgrades), else {@code cachectl} on PATH. Never a symlink's target.
 */
public final class Launcher {
    public static final String VARIABLE = "CACHECTL_LAUNCHER";

    private Launcher() {
    }

    public static Path resolve(Path option, Map<String, String> env, Path workingDir) {
        if (option != null) {
            return executable(workingDir.resolve(option), "--launcher " + option);
        }
        String exported = env.get(VARIABLE);
        if (exported != null && !exported.isBlank()) {
            return executable(workingDir.resolve(exported.trim()), VARIABLE + "=" + exported);
        }
        Path onPath = Crontab.onPath("cachectl", env);
        if (onPath != null) {
            return onPath.normalize();
        }
        throw CachectlException.usage("cannot tell which cachectl the crontab should run: run this through the"
                + " cachectl launcher (it sets " + VARIABLE + "), put cachectl on PATH, or give --launcher PATH");
    }

    private static Path executable(Path path, String from) {
        Path absolute = path.toAbsolutePath().normalize();
        if (!Files.isRegularFile(absolute) || !Files.isExecutable(absolute)) {
            throw CachectlException.usage(from + ": " + absolute + " is not an executable file");
        }
        return absolute;
    }
}
