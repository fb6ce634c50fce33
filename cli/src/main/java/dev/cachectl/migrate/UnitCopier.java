package dev.cachectl.migrate;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.batch.RateLimiter;
import dev.cachectl.progress.ProgressListener;

import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * What an engine provides to {@link CopyRun}: the units to copy, how to prepare each on the target,
 * how to read one from a resume token on, and a writer per worker thread. Resume tokens are the
 * engine's own text (a MongoDB {@code _id} in Extended JSON, a Redis SCAN cursor); the orchestrator
 * keeps them per unit, advances them only over what the target acknowledged, and saves them.
 * <p>
 * Optional parts: a group of units copied end to end by one job that writes straight to the target
 * ({@link #groupCopy}: a Redis node's replication snapshot, with its live follow), which may fall back
 * to reading the units one by one; and the engine's own checkpoint file format ({@link #checkpoints}).
 */
public interface UnitCopier {

    /** The units to copy, each with the source's estimate of its size (after {@link Checkpoints#load}, when resuming). */
    List<CopyUnit> units();

    /** Makes the unit ready on the target (collection, options, indexes); problems are returned as notes. */
    List<String> prepare(CopyUnit unit);

    /** Reads {@code unit} in its order, after {@code resumeToken} (null: from the beginning). */
    Reader reader(CopyUnit unit, String resumeToken);

    /**
     * A writer for one worker thread (its own connections if the engine needs them). {@code stopping}: true once the
     * run is cancelled or failed; a writer part way through a long item (a big key in chunks) gives it up, leaving
     * nothing of it on the target, and throws {@link Stopped}.
     */
    Writer writer(BooleanSupplier stopping);

    /** False when {@code token}, read from a checkpoint, is not one this engine could have written. */
    boolean validToken(String token);

    /**
     * A job that copies every unit of {@code group} (units sharing {@link CopyUnit#group}) at once, or
     * null to read them one by one (the default).
     */
    default GroupCopy groupCopy(String group, List<CopyUnit> units) {
        return null;
    }

    /**
     * For an engine whose writers report progress themselves, item by item (finer than a batch): takes the
     * run's listener and returns true, and the orchestrator reports none per batch. Called before any writer.
     */
    default boolean reportsProgress(ProgressListener progress) {
        return false;
    }

    /**
     * On {@code --resume}, before anything is copied: {@code saved}, the units as the checkpoint left them. Throws
     * (a usage error) when the target no longer holds what the checkpoint counts as written there (a target that
     * restarted empty), since the resume would report done what is not.
     */
    default void resuming(List<UnitCheckpoint.Unit> saved) {
    }

    /** The engine's own checkpoint format, or null for the orchestrator's ({@link UnitCheckpoint}). */
    default Checkpoints checkpoints() {
        return null;
    }

    /** A batch of items of one unit, its size in bytes, and the token of its last item. */
    record Batch(CopyUnit unit, List<?> items, long bytes, String lastToken) {
    }

    /** An item the target refused: its id (as text) and why. */
    record Refusal(String unit, String id, String reason) {
    }

    /** What the target acknowledged of one batch. */
    record Written(long copied, long skippedExisting, List<Refusal> refused) {
    }

    interface Reader extends AutoCloseable {
        /** The next batch (possibly empty, when filters left nothing of a page), or null at the end. */
        Batch next();

        @Override
        void close();
    }

    interface Writer extends AutoCloseable {
        /** Writes a batch; throws a CachectlException when the target cannot take any more (down, auth). */
        Written write(Batch batch);

        @Override
        void close();
    }

    /** Copies a group of units end to end, writing to the target itself. */
    interface GroupCopy {
        /**
         * Runs the copy, calling {@link GroupContext#finished} for each unit once all of it is on the target.
         * Throws {@link Fallback} when the group must be read unit by unit instead.
         */
        void run(GroupContext context) throws InterruptedException;
    }

    /** What a group copy gets from the orchestrator. */
    interface GroupContext {
        /** True once the run is cancelled or failed: stop at the next safe point. */
        boolean stopping();

        /** Every item of {@code unit} is on the target. */
        void finished(CopyUnit unit);

        /** Stops the whole run with this error. */
        void fail(CachectlException e);

        /** A note for the summary. */
        void note(String note);

        RateLimiter rate();

        ProgressListener progress();
    }

    /**
     * Thrown by a group copy that cannot go on the way it started (a source refusing a snapshot, or
     * sending one the engine cannot read): what it wrote stays, {@code note} goes to the summary, and
     * the group's units that are not finished are read one by one.
     */
    final class Fallback extends CachectlException {
        public Fallback(String note, Throwable cause) {
            super(ExitCode.FAILED, note, cause);
        }
    }

    /**
     * Thrown by a writer that gave up part way through a batch because the run is stopping: the batch is not
     * acknowledged, so the checkpoint stays before it and a resume copies it again.
     */
    final class Stopped extends CachectlException {
        public Stopped(String what) {
            super(ExitCode.INTERRUPTED, what);
        }
    }

    /** An engine's own checkpoint file: resume tokens per unit, plus whatever else the engine keeps there. */
    interface Checkpoints {
        /**
         * The units an interrupted run of this job saved in {@code file} (which exists); a usage error
         * when it is damaged or belongs to another job.
         */
        List<UnitCheckpoint.Unit> load(Path file);

        /** Saves {@code units} (every second while the copy runs, and when it stops before the end). */
        void save(Path file, List<UnitCheckpoint.Unit> units);

        /**
         * When {@code file} does not exist: a clause naming a checkpoint of a job much like this one kept under
         * another name (the same source into another target URL, say) for the refusal to add, or null.
         */
        default String elsewhere(Path file) {
            return null;
        }
    }
}
