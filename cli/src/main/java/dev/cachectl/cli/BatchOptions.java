package dev.cachectl.cli;

import dev.cachectl.CachectlException;
import dev.cachectl.batch.BatchSettings;
import picocli.CommandLine.Option;

/**
 * {@code --batch --rate --dry-run}, shared by the bulk commands; builds {@link BatchSettings} with the command's own
 * {@code --threads}, which means something different in each.
 */
public final class BatchOptions {

    @Option(names = "--batch", paramLabel = "N", defaultValue = "" + BatchSettings.DEFAULT_BATCH,
            description = "Items per pipelined batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--rate", paramLabel = "N", defaultValue = "0",
            description = "At most N items per second (default: no limit).")
    long rate;

    @Option(names = "--dry-run", description = "Read and check everything, report what would be written, write nothing.")
    boolean dryRun;

    public BatchSettings settings(int threads) {
        try {
            return new BatchSettings(batch, threads, rate, dryRun);
        } catch (IllegalArgumentException e) {
            throw CachectlException.usage(e.getMessage());
        }
    }
}
