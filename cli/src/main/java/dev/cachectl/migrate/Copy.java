package dev.cachectl.migrate;

import java.nio.file.Path;

/** An engine's copy part: turns its plan into a {@link Migration} that {@link CopyRun} runs. */
public interface Copy {

    /**
     * Checks both ends (they answer and accept the credentials) and sets the copy up. {@code home}: the
     * cachectl home, whose {@code migrate} folder holds default checkpoints and lists.
     */
    Migration open(CopyPlan plan, Path home);

    /**
     * The checkpoint file of the plan's job: its {@code --checkpoint}, or the job's default in the home's
     * {@code migrate} folder. Decided from the plan alone, before {@link #open} connects to anything: it
     * names the job, of which {@link MigrateLock} lets one run go at a time.
     */
    Path checkpointFile(CopyPlan plan, Path home);

    /**
     * For a run that goes on applying the source's writes to the target once it has copied ({@code --live}):
     * the two servers it applies them between, "SOURCE to TARGET", whatever its dbs and filters, since two
     * such runs with overlapping filters would apply a write twice (an INCR counted twice); {@link MigrateLock}
     * lets one go at a time. Null for a run that only copies: copying a key twice gives the same key.
     */
    default String follow(CopyPlan plan) {
        return null;
    }

    /** The summary of a run that did nothing, for {@code reason}: another run of its job holds the lock. */
    Summary skipped(CopyPlan plan, String reason);
}
