package dev.cachectl.redis.copy;

import dev.cachectl.util.Hashes;
import dev.cachectl.CachectlException;
import dev.cachectl.migrate.CheckpointFiles;
import dev.cachectl.migrate.KeySelection;
import dev.cachectl.migrate.MigrationPlan;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What an interrupted migration needs to go on: for every (source node, db) stream the SCAN cursor
 * before which every key is acknowledged by the target, whether the stream is done, and the
 * node's run id (a restarted source may have reordered its keyspace, so a resume is refused), and
 * the run id of every server written to ({@code targets}: a target restarted since may have lost what
 * was copied, so a resume is refused too; empty in checkpoints of cachectl before it).
 * {@code plan} fingerprints source, target and filters, and {@code job} spells them out, so a
 * checkpoint is never applied to a different job and a refusal can say what differs.
 * {@code checksum} covers everything else: a file edited by hand or torn is refused on load
 * ({@link CheckpointFile}), never trusted. Written with jackson-core's streaming API every second
 * of a run: databind would load some 400 classes while the copy needs the CPU.
 */
record Checkpoint(String plan, Job job, List<Stream> streams, List<Live> live, List<TargetNode> targets,
                  Counters.Snapshot totals, String checksum) {

    record Stream(String node, int db, String runId, String cursor, boolean done) {
    }

    /** A server the copy wrote to (the target, or a master of a cluster target) and its run id then. */
    record TargetNode(String node, String runId) {
    }

    /**
     * Where a {@code --live} follow of a node stands: the replication id and the offset up to which the
     * target acknowledged every write ({@code PSYNC replid offset+1} goes on from there), and the db
     * selected at that offset (-1: none yet), since the stream names a db only when it changes.
     */
    record Live(String node, String replicationId, long offset, int db) {
    }

    /** The job a checkpoint belongs to, as the user gave it (URLs redacted). */
    record Job(String source, String target, String dbs, String dbMap, String match, String exclude, String types,
               String rename, String reader) {

        static Job of(MigrationPlan plan) {
            KeySelection sel = plan.selection();
            return new Job(plan.source().toString(), plan.target().toString(), String.valueOf(plan.sourceDbs()),
                    String.valueOf(new TreeMap<>(plan.dbMap())), String.valueOf(sel.match()), String.valueOf(sel.exclude()),
                    String.valueOf(new TreeSet<>(sel.types())), sel.fromPrefix() == null ? ""
                    : new String(sel.fromPrefix(), StandardCharsets.UTF_8) + "=" + new String(sel.toPrefix(), StandardCharsets.UTF_8),
                    plan.reader().name());
        }

        /** What makes {@code now} another job than this one, e.g. "target was redis://…:1, now redis://…:2". */
        List<String> differences(Job now) {
            List<String> out = new ArrayList<>();
            differ(out, "source", source, now.source);
            differ(out, "target", target, now.target);
            differ(out, "dbs", dbs, now.dbs);
            differ(out, "db map", dbMap, now.dbMap);
            differ(out, "match", match, now.match);
            differ(out, "exclude", exclude, now.exclude);
            differ(out, "types", types, now.types);
            differ(out, "rename", rename.isEmpty() ? "none" : rename, now.rename.isEmpty() ? "none" : now.rename);
            return out;
        }

        private static void differ(List<String> out, String what, String was, String now) {
            if (!was.equals(now)) {
                out.add(what + " was " + was + ", now " + now);
            }
        }
    }

    static Checkpoint of(String plan, Job job, List<Stream> streams, List<Live> live, List<TargetNode> targets,
                         Counters.Snapshot totals) {
        return new Checkpoint(plan, job, streams, live, targets, totals, checksum(plan, job, streams, live, targets, totals));
    }

    /**
     * SHA-256 over every field in a fixed order: what {@link CheckpointFile} recomputes on load. No target
     * adds nothing, so the checksum of a checkpoint written before targets were recorded still matches.
     */
    static String checksum(String plan, Job job, List<Stream> streams, List<Live> live, List<TargetNode> targets,
                           Counters.Snapshot t) {
        StringBuilder text = new StringBuilder(plan).append('\n').append(job).append('\n');
        for (Stream s : streams) {
            text.append(s).append('\n');
        }
        for (Live l : live) {
            text.append(l).append('\n');
        }
        for (TargetNode n : targets) {
            text.append(n).append('\n');
        }
        text.append(t);
        return Hashes.sha256(text.toString());
    }

    static Checkpoint read(Path file) {
        return CheckpointFile.read(file);
    }

    void write(Path file) {
        writeFile(file, this);
    }

    /** Writes any checkpoint record atomically, readable by its owner only. */
    static void writeFile(Path file, Record checkpoint) {
        CheckpointFiles.write(file, checkpoint);
    }

    static void delete(Path file) {
        CheckpointFiles.delete(file);
    }

    static CachectlException damaged(Path file, String what) {
        return CheckpointFiles.damaged(file, what);
    }
}
