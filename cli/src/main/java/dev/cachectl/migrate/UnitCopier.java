package dev.cachectl.migrate;

import java.util.List;

/**
 * What an engine provides to {@link CopyRun}: the units to copy, how to prepare each on the target,
 * how to read one from a resume token on, and a writer per worker thread. Resume tokens are the
 * engine's own text (a MongoDB {@code _id} in Extended JSON); the orchestrator only stores them.
 */
public interface UnitCopier {

    /** The units to copy, each with the source's estimate of its size. */
    List<CopyUnit> units();

    /** Makes the unit ready on the target (collection, options, indexes); problems are returned as notes. */
    List<String> prepare(CopyUnit unit);

    /** Reads {@code unit} in its order, after {@code resumeToken} (null: from the beginning). */
    Reader reader(CopyUnit unit, String resumeToken);

    /** A writer for one worker thread (its own connections if the engine needs them). */
    Writer writer();

    /** False when {@code token}, read from a checkpoint, is not one this engine could have written. */
    boolean validToken(String token);

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
        /** The next batch, or null at the end. */
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
}
