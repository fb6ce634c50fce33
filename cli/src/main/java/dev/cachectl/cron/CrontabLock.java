package dev.cachectl.cron;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.lifecycle.Home;
import dev.cachectl.util.FileLocks;
import dev.cachectl.util.SecureFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * One change of the user's crontab at a time: {@code crontab -l}, the edit and {@code crontab -} are a
 * read-modify-write that two {@code cron --install} runs (of two configs) would otherwise interleave, the
 * second writing a table without the first one's block.
 * <p>
 * The crontab belongs to the user, not to a cachectl home, so the lock is the user's too:
 * {@code $HOME/.cachectl/locks/crontab.lock}, the locks folder of the default home, whatever {@code --home}
 * or {@code CACHECTL_HOME} say, so runs with two homes take turns as well. {@code $HOME} only when it is a
 * directory of this user's: a lock in a folder someone else owns could be held, or replaced, by them. Without
 * such a {@code $HOME}, or where its folder cannot be made (a read-only home directory), the lock is in the
 * locks folder of the home in use, which still keeps runs of one home from interleaving.
 */
public final class CrontabLock {
    private static final String NAME = "crontab.lock";
    /** How long a change waits for another one to finish (a change takes milliseconds); tests shorten it. */
    static volatile Duration wait = Duration.ofSeconds(10);

    private final Path userHome;
    private final Home home;

    private CrontabLock(Path userHome, Home home) {
        this.userHome = userHome;
        this.home = home;
    }

    /** The lock for the user whose {@code HOME} is in {@code env}; {@code home} is the one in use, the fallback. */
    public static CrontabLock of(Map<String, String> env, Home home) {
        String dir = env.getOrDefault("HOME", "");
        Path userHome = dir.isBlank() || !Path.of(dir).isAbsolute() ? null : Path.of(dir).normalize();
        return new CrontabLock(userHome, home);
    }

    /** Takes the lock, waiting for another change to finish; exit 5 when it has not within the wait. */
    FileLocks.Held acquire() {
        Path file = file();
        Duration limit = wait;
        return FileLocks.acquire(file, limit).orElseThrow(() -> new CachectlException(ExitCode.LOCKED,
                "another cachectl cron is changing the crontab (it has held " + file + " for "
                        + limit.toSeconds() + " s); skipped, the crontab is unchanged: run this again"));
    }

    private Path file() {
        Path perUser = perUser();
        return perUser != null ? perUser : home.ensure().locksDir().resolve(NAME);
    }

    private Path perUser() {
        if (userHome == null) {
            return null;
        }
        try {
            if (!Files.isDirectory(userHome) || !Files.getOwner(userHome).getName().equals(System.getProperty("user.name"))) {
                return null;
            }
            Home own = new Home(userHome.resolve(".cachectl"));
            SecureFiles.ensureDir(own.root());
            return SecureFiles.ensureDir(own.locksDir()).resolve(NAME);
        } catch (IOException | UncheckedIOException | SecurityException e) {
            return null;
        }
    }
}
