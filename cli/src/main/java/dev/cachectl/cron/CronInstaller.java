package dev.cachectl.cron;

import dev.cachectl.CachectlException;
import dev.cachectl.util.FileLocks;

import java.util.Arrays;
import java.util.List;

/** {@code cron --install} and {@code --remove}: the user's crontab with this config's block put in or taken out. */
public final class CronInstaller {

    private CronInstaller() {
    }

    /**
     * {@code crontab} is what the user's crontab is (or would be, on a dry run) afterwards; {@code outcome}
     * one of {@code installed}, {@code replaced} (an earlier block of the config was there), {@code removed},
     * {@code unchanged}.
     */
    public record Result(byte[] crontab, String outcome) {
    }

    /**
     * Installs the block (an empty one removes the earlier block), or removes it, holding {@code lock} from the
     * read to the check of what was written; a dry run writes nothing, and takes no lock.
     */
    public static Result apply(Crontab crontab, CrontabLock lock, CronBlock block, boolean remove, boolean dryRun) {
        if (dryRun) {
            return change(crontab, block, remove, true);
        }
        try (FileLocks.Held held = lock.acquire()) {
            return change(crontab, block, remove, false);
        }
    }

    private static Result change(Crontab crontab, CronBlock block, boolean remove, boolean dryRun) {
        byte[] before = crontab.read();
        List<String> lines = remove ? List.of() : block.lines();
        byte[] after = CrontabText.with(before, block.beginMarker(), block.endMarker(), lines);
        boolean hadBlock = CrontabText.has(before, block.beginMarker());
        if (Arrays.equals(before, after)) {
            return new Result(after, "unchanged");
        }
        if (!dryRun) {
            crontab.write(after);
            // the lock keeps other cachectl runs out, not 'crontab -e' or another tool: say so rather than claim success
            if (!CrontabText.holds(crontab.read(), block.beginMarker(), lines)) {
                throw CachectlException.failed("the crontab was changed by something else while cachectl wrote it: "
                        + (lines.isEmpty() ? "the block of " + block.config() + " is still there"
                        : "the block of " + block.config() + " is not there as written")
                        + "; see 'crontab -l', and run this again");
            }
        }
        return new Result(after, lines.isEmpty() ? "removed" : hadBlock ? "replaced" : "installed");
    }
}
