package dev.cachectl.migrate;

import dev.cachectl.batch.BatchSettings;
import dev.cachectl.config.Endpoint;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything {@code migrate} needs to know: what to copy from where to where, how, and how to
 * prove it. Built by the command from its options; the Redis engine's copy runs it.
 *
 * @param sourceDbs    source dbs to copy; empty means every db that has keys
 * @param dbMap        source db to target db; an unmapped db keeps its number
 * @param bigKeyElements a collection with more elements is copied in chunks
 * @param bigKeyBytes  a value larger than this is copied in chunks
 * @param reader       how keys are read from the source: SCAN, a replication snapshot, or the better of the two
 * @param checkpoint   where progress is saved so an interrupted run can resume
 * @param live         after the snapshot, keep applying the source's writes ({@code --live}); null for a one-off copy
 * @param timeouts     how long to wait for either server ({@code --timeout}); not part of the job: a resume may change it
 */
public record MigrationPlan(
        Endpoint source,
        Endpoint target,
        List<Integer> sourceDbs,
        Map<Integer, Integer> dbMap,
        KeySelection selection,
        boolean replace,
        Mode mode,
        Reader reader,
        int scanCount,
        long bigKeyElements,
        long bigKeyBytes,
        Path checkpoint,
        boolean resume,
        Verify verify,
        Duration ttlTolerance,
        boolean deleteSource,
        BatchSettings batch,
        Live live,
        Timeouts timeouts) implements CopyPlan {

    public MigrationPlan(Endpoint source, Endpoint target, List<Integer> sourceDbs, Map<Integer, Integer> dbMap,
                         KeySelection selection, boolean replace, Mode mode, Reader reader, int scanCount,
                         long bigKeyElements, long bigKeyBytes, Path checkpoint, boolean resume, Verify verify,
                         Duration ttlTolerance, boolean deleteSource, BatchSettings batch) {
        this(source, target, sourceDbs, dbMap, selection, replace, mode, reader, scanCount, bigKeyElements, bigKeyBytes,
                checkpoint, resume, verify, ttlTolerance, deleteSource, batch, null, Timeouts.DEFAULT);
    }

    /**
     * How a live follow ends: never on its own (Ctrl-C, SIGTERM), once the applied writes stayed level
     * with the source for {@code settle} ({@code --until caught-up}), or with a {@code cutover}: the
     * source's writes paused, the stream drained, the two sides verified, the writes resumed. {@code maxPause}: how
     * long a cutover may pause them, the pause's own timeout on the source (they resume by themselves should
     * cachectl die); a drain and verification that outlast it fail the cutover.
     */
    public record Live(boolean untilCaughtUp, Duration settle, boolean cutover, Duration maxPause) {
        /** {@code --max-pause}'s default. */
        public static final Duration MAX_PAUSE = Duration.ofSeconds(30);
    }

    /** How values travel: DUMP/RESTORE, type by type, or DUMP/RESTORE with a type-by-type fallback. */
    public enum Mode { auto, dump, struct }

    /** How keys are read: SCAN + DUMP, a replication snapshot (PSYNC), or a snapshot when it pays off. */
    public enum Reader { auto, scan, sync }

    public enum Verify { none, quick, full }

    /** The same plan, verified as {@code how} says (a cutover verifies even when --verify was not given). */
    public MigrationPlan withVerify(Verify how) {
        return new MigrationPlan(source, target, sourceDbs, dbMap, selection, replace, mode, reader, scanCount,
                bigKeyElements, bigKeyBytes, checkpoint, resume, how, ttlTolerance, deleteSource, batch, live, timeouts);
    }

    public int targetDb(int sourceDb) {
        return dbMap.getOrDefault(sourceDb, sourceDb);
    }
}
