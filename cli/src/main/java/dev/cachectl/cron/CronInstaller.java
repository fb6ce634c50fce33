package dev.cachectl.cron;

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

    /** Installs the block (an empty one removes the earlier block), or removes it; a dry run writes nothing. */
    public static Result apply(Crontab crontab, CronBlock block, boolean remove, boolean dryRun) {
        byte[] before = crontab.read();
        List<String> lines = remove ? List.of() : block.lines();
        byte[] after = CrontabText.with(before, block.beginMarker(), block.endMarker(), lines);
        boolean hadBlock = CrontabText.has(before, block.beginMarker());
        if (Arrays.equals(before, after)) {
            return new Result(after, "unchanged");
        }
        if (!dryRun) {
            crontab.write(after);
        }
        return new Result(after, lines.isEmpty() ? "removed" : hadBlock ? "replaced" : "installed");
    }
}
