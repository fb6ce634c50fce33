package dev.cachectl.warm.source;

import java.util.List;
import java.util.Optional;

/**
 * A stream of records, read one at a time so memory stays bounded whatever the source's size.
 * Called from one thread; the records it returns may be handed to others.
 */
public interface RecordSource extends AutoCloseable {

    /** The next record, or null at the end; throws {@link SourceException} when the rest cannot be read. */
    SourceRecord next();

    /** The field names every record has, when the source declares them (a CSV header). */
    default Optional<List<String>> columns() {
        return Optional.empty();
    }

    /**
     * For a source whose {@link #next} may wait on a slow writer (stdin, a pipe): {@code idle} runs, on the thread
     * calling next(), each time it has waited a moment for input that has not come, so that the records it returned
     * before need not wait for more. Files and databases never keep next() waiting for long: they ignore it.
     */
    default void whileWaiting(Runnable idle) {
    }

    /**
     * Whether what it has taken from its input cannot be read again (stdin, a pipe): then, once the run is stopping
     * (Ctrl-C, SIGTERM), next() goes on returning what it holds and ends by itself without waiting for more, so that
     * the run writes it. A file or a database is read again by the next run: it is simply not read further.
     */
    default boolean consumesInput() {
        return false;
    }

    @Override
    void close();
}
