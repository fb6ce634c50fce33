package dev.cachectl.migrate;

import java.util.List;

/**
 * One copy as an engine set it up from its plan, run by {@link CopyRun}: the engine's {@link UnitCopier}
 * (units, readers, writers, resume tokens), how to run it, the dry-run estimate, the verifier and the
 * engine's summary. Closing it releases the engine's connections.
 */
public interface Migration extends AutoCloseable {

    UnitCopier copier();

    CopyRun.Settings settings();

    /** True for {@code --dry-run}: {@link #estimate} answers and nothing is written. */
    boolean dryRun();

    /** What a copy would do (units, counts, sizes, time), without writing anything. */
    CopyRun.Result estimate();

    /** After a complete copy: compares source and target as the plan asks, or null when it asks for no check. */
    Verified verify(List<CopyUnit> units);

    /** The engine's summary of a run that ended, with its exit code ({@link RunEnding}). */
    CopyRun.Result result(CopyRun.Ended ended);

    @Override
    void close();
}
