package dev.cachectl.cron;

import java.util.Arrays;
import java.util.List;

/** {@code cron --install} and {@code --remove}: the user's crontab with this config's block put in or taken out. */
public final class CronInstaller {

    private CronInstaller() {
    }

    /**
     * {@code crontab} is what the user's crontab is (or would be, on a dry run) afterwards; {@code hadBlock}
     * whether it held a block of this config before; {@code written} whether it was replaced.
     */
    public record Result(byte[] crontab, boolean hadBlock, boolean written) {
    }

    /** Installs the block (an empty one removes the earlier block), or removes it; a dry run writes nothing. */
    public static Result apply(Crontab crontab, CronBlock block, boolean remove, boolean dryRun) {
        byte[] before = crontab.read();
        List<String> lines = remove ? List.of() : block.lines();
        byte[] after = CrontabText.with(before, block.beginMarker(), block.endMarker(), lines);
        boolean hadBlock = CrontabText.has(before, block.beginMarker());
        boolean change = !Arrays.equals(before, after);
        if (change && !dryRun) {
            crontab.write(after);
        }
        return new Result(after, hadBlock, change && !dryRun);
    }
}
