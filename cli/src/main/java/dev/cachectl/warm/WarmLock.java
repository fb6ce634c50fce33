package dev.cachectl.warm;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.lifecycle.Home;
import dev.cachectl.util.FileLocks;
import dev.cachectl.util.Names;

import java.nio.file.Path;

/**
 * One run at a time per job: an OS lock on {@code HOME/locks/warm-NAME.lock}. The kernel releases it
 * when the holder exits in any way, kill -9 included, so a file left behind never blocks the next
 * run. The holder writes its pid into the file for the message the next run prints.
 */
final class WarmLock {
    private WarmLock() {
    }

    static String checkName(String name) {
        if (!Names.valid(name, 100, true, "._-")) {
            throw CachectlException.usage("--lock '" + name + "': use letters, digits, '.', '-' and '_' (at most 100)");
        }
        return name;
    }

    static FileLocks.Held acquire(Home home, String name) {
        Path file = home.ensure().locksDir().resolve("warm-" + name + ".lock");
        FileLocks.Held held = FileLocks.tryAcquire(file).orElseThrow(() -> new CachectlException(ExitCode.LOCKED,
                "another warm run holds the lock '" + name + "'" + FileLocks.holder(file)));
        held.noteHolder();
        return held;
    }
}
