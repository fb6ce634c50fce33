package dev.cachectl.migrate;

import dev.cachectl.util.Hashes;
import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.util.FileLocks;
import dev.cachectl.util.FileWrites;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One run of a migrate job at a time. A job is its checkpoint file (by default one per source, target and
 * filters under {@code HOME/migrate/}, or {@code --checkpoint FILE}): two runs of one job would both write
 * its checkpoint, so a {@code --resume} continues from a mix of the two, and two {@code --live} follows
 * would each apply every write of the source, an INCR twice. The lock is an OS lock on the checkpoint's
 * name with {@code .lock} added, taken before the copy connects to anything; the kernel releases it
 * however the holder ends, kill -9 included, so a file left behind never blocks the next run, and the
 * file is removed when a run releases it.
 */
public final class MigrateLock implements AutoCloseable {

    /** Another run of the job holds the lock: this one is skipped (exit 5) having read and written nothing. */
    public static final class Busy extends CachectlException {
        Busy(String message) {
            super(ExitCode.LOCKED, message);
        }
    }

    private final List<FileLocks.Held> held;

    private MigrateLock(List<FileLocks.Held> held) {
        this.held = held;
    }

    /**
     * Locks the job of {@code plan} for this run, until the lock is closed, and for a {@code --live} run the pair
     * of servers it follows between ({@link Copy#follow}); null for a dry run, which writes nothing and so needs
     * no lock. Either way a checkpoint path the run could not write fails here, before the copy (exit 1).
     *
     * @throws Busy when another run of the job, or another follow of the pair, holds it
     */
    public static MigrateLock acquire(Copy copy, CopyPlan plan, Path home) {
        Path checkpoint = copy.checkpointFile(plan, home).toAbsolutePath().normalize();
        FileWrites.checkWritable(checkpoint, "checkpoint " + checkpoint);
        if (plan.batch().dryRun()) {
            return null;
        }
        FileWrites.createMissing(checkpoint.getParent(), "checkpoint " + checkpoint);
        List<FileLocks.Held> held = new ArrayList<>();
        try {
            held.add(take(checkpoint.resolveSibling(checkpoint.getFileName() + ".lock"), "another migrate run holds the lock "));
            String follow = copy.follow(plan);
            if (follow != null) {
                Path folder = home.resolve("migrate");
                FileWrites.createMissing(folder, "migrate lock in " + folder);
                held.add(take(folder.resolve("live-" + Hashes.sha256(follow).substring(0, 16) + ".lock"),
                        "another migrate --live from " + follow + " holds the lock "));
            }
        } catch (RuntimeException e) {
            held.forEach(FileLocks.Held::close);
            throw e;
        }
        return new MigrateLock(held);
    }

    private static FileLocks.Held take(Path file, String busy) {
        FileLocks.Held held = FileLocks.acquireTransient(file, Duration.ZERO).orElseThrow(() ->
                new Busy(busy + file + FileLocks.holder(file)));
        held.noteHolder();
        return held;
    }

    @Override
    public void close() {
        for (int i = held.size() - 1; i >= 0; i--) {
            held.get(i).close();
        }
    }
}
