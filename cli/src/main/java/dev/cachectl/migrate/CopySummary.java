package dev.cachectl.migrate;

import java.util.List;
import java.util.Map;

/**
 * The result of a unit-by-unit copy ({@link CopyRun}; today MongoDB's migrate), as text or JSON.
 * Keys mean what they mean in a Redis migrate's summary ({@link MigrationSummary}) where both have
 * them: {@code copied}, {@code skipped_existing}, {@code failed}, {@code bytes}, {@code seconds};
 * {@code docs_per_sec} is the rate. {@code refused} lists the first items the target refused, all
 * of them in {@code refused_file} when there are more.
 */
public record CopySummary(
        String engine,
        String source,
        String target,
        String outcome,
        boolean dryRun,
        boolean resumed,
        long scanned,
        long copied,
        long skippedExisting,
        long failed,
        Map<String, Long> failures,
        List<UnitCopier.Refusal> refused,
        String refusedFile,
        long bytes,
        double seconds,
        double docsPerSec,
        Long estimatedBytes,
        Double estimatedSeconds,
        List<Collection> collections,
        String checkpoint,
        String stoppedBecause,
        List<String> notes,
        Verification verification) implements Summary {

    /** Nothing read or written, for {@code reason}: another run of the job holds its lock (exit 5). */
    public static CopySummary skipped(String engine, String source, String target, String reason) {
        return new CopySummary(engine, source, target, "skipped", false, false, 0, 0, 0, 0, Map.of(), List.of(), null, 0,
                0, 0, null, null, List.of(), null, reason, List.of(), null);
    }

    /** One unit: where it went, what the source estimated, what this run did, whether it is complete. */
    public record Collection(String source, String target, long estimatedDocuments, long estimatedBytes,
                             long copied, long skippedExisting, long failed, boolean done) {
    }

    /** What {@code --verify} found; {@code examples} are the first mismatches, all in {@code list_file}. */
    public record Verification(String mode, long checked, long mismatches, List<String> examples, String listFile,
                               String listError)
            implements Verified {
    }
}
