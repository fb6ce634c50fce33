package dev.cachectl.migrate;

import dev.cachectl.batch.BatchSettings;

/** An engine's migrate plan, built by the command from its options and handed to that engine's {@link Copy}. */
public interface CopyPlan {

    /** Batch, threads, rate, and whether this is a dry run (which writes nothing and so takes no lock). */
    BatchSettings batch();
}
