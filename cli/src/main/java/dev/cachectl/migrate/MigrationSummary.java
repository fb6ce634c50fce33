package dev.cachectl.migrate;

import java.util.List;
import java.util.Map;

/**
 * The result of {@code migrate}, rendered as one text line or one JSON document. Counts cover
 * this run; {@code totals_with_resumed} adds what earlier interrupted runs of the same job did.
 * {@code reader} says how keys were read: scan, sync (replication snapshots), or both (a cluster
 * whose nodes went different ways); {@code notes} say why a choice was not the expected one.
 */
public record MigrationSummary(
        String source,
        String target,
        String outcome,
        boolean dryRun,
        boolean resumed,
        String reader,
        long scanned,
        long copied,
        long skippedExisting,
        long expired,
        long failed,
        Map<String, Long> failures,
        long typeCopies,
        long bigKeys,
        Map<String, Long> notCarried,
        long deletedFromSource,
        long bytes,
        double seconds,
        double keysPerSec,
        Long estimatedBytes,
        Double estimatedSeconds,
        String checkpoint,
        String stoppedBecause,
        List<String> notes,
        Verification verification,
        Live live) implements Summary {

    /** Nothing read or written, for {@code reason}: another run of the job holds its lock (exit 5). */
    public static MigrationSummary skipped(String source, String target, String reason) {
        return new MigrationSummary(source, target, "skipped", false, false, "none", 0, 0, 0, 0, 0, Map.of(), 0, 0,
                Map.of(), 0, 0, 0, 0, null, null, null, reason, List.of(), null, null);
    }

    /**
     * What a {@code --live} follow did: writes applied after the snapshot, where it stopped in the
     * source's replication stream, and the lag it ended with ({@code caught_up}: nothing left unapplied).
     */
    public record Live(long commandsApplied, long commandsFailed, long commandsNotCarried, long transactions,
                       long appliedOffset, long sourceOffset, long lagBytes, double lagSeconds, boolean caughtUp,
                       String ended, boolean cutover, double pausedSeconds, boolean resumedStream) {
    }

    /** What {@code --verify} found. */
    public record Verification(String mode, long checked, long mismatches, List<String> examples, String listFile,
                               String listError, Map<String, long[]> keysPerDb) implements Verified {
    }
}
