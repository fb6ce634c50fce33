package dev.cachectl.redis.copy;

import dev.cachectl.migrate.KeySelection;
import dev.cachectl.migrate.MigrationPlan;
import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.batch.RateLimiter;
import dev.cachectl.progress.ProgressListener;
import dev.cachectl.redis.ConnectionLoss;
import dev.cachectl.redis.ReplicaSync;
import dev.cachectl.redis.rdb.RdbFormatException;
import dev.cachectl.redis.rdb.RdbReader;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Copies one source node from a replication snapshot instead of SCAN: the server forks and streams
 * an RDB of its whole dataset (as to a new replica), which is read key by key and written to the
 * target, values as they are (DUMP payloads are cut out of the RDB, strings decoded). That skips
 * the per-key round trips of SCAN + DUMP on the source, which cost more than the copy itself.
 * <p>
 * The filters, db selection, db map and renames apply as on the SCAN path. Keys that are big
 * (above {@code --big-key-elements} or a size limit) or whose payload the target rejects are set
 * aside and copied afterwards key by key by a {@link CopyWorker}, which chunks them or copies them
 * by type. A snapshot cannot be resumed half-way: until the node is done its checkpoint cursor
 * stays at the start, and {@code --resume} takes a fresh snapshot (replacing keys is harmless).
 */
final class SnapshotCopy {
    /** Values up to this are held in memory whole; bigger ones are left to the key-by-key path. */
    static final long CAPTURE_LIMIT = 8L << 20;
    /** A batch is sent once it holds this much, whatever --batch says: big values must not pile up. */
    static final long BATCH_BYTES = 4L << 20;
    /**
     * A source sends a replica that is level with it a PING only every {@code repl-ping-replica-period} (10 s by
     * default): a live follow's link waits at least this long for a byte. A source that stops answering is
     * found sooner, by the follow's probe, within {@code --timeout}.
     */
    private static final Duration QUIET_LINK = Duration.ofSeconds(60);
    private static final int TYPE_STRING = 0;

    /**
     * The snapshot holds something this reader does not know (a newer Redis's format, a module):
     * what was written so far stays, and the node can be read again with SCAN.
     */
    static final class Unreadable extends CachectlException {
        private final String reason;

        Unreadable(String reason, Throwable cause) {
            super(ExitCode.FAILED, reason + " (copy with --reader scan)", cause);
            this.reason = reason;
        }

        /** What could not be read, without the advice for a run that insisted on a snapshot. */
        String reason() {
            return reason;
        }
    }

    private final MigrationPlan plan;
    private final Target target;
    private final List<StreamProgress> streams;
    private final Counters counters;
    private final RateLimiter rate;
    private final ProgressListener progress;
    private final BooleanSupplier stopping;
    private final Consumer<CachectlException> abort;
    private LiveFollow live;
    private Checkpoint.Live resumeFrom;
    private Consumer<String> notes = note -> { };
    private Consumer<StreamProgress> finished = stream -> { };

    SnapshotCopy(MigrationPlan plan, Target target, List<StreamProgress> streams, Counters counters, RateLimiter rate,
                 ProgressListener progress, BooleanSupplier stopping, Consumer<CachectlException> abort) {
        this.plan = plan;
        this.target = target;
        this.streams = streams;
        this.counters = counters;
        this.rate = rate;
        this.progress = progress;
        this.stopping = stopping;
        this.abort = abort;
    }

    /**
     * After the snapshot, {@code live} follows the writes that come after it on the same link. With a
     * {@code resumeFrom} position the link asks for the writes after it, and the snapshot is taken again
     * only when the source no longer holds them ({@code notes} hears why).
     */
    SnapshotCopy following(LiveFollow live, Checkpoint.Live resumeFrom, Consumer<String> notes) {
        this.live = live;
        this.resumeFrom = resumeFrom;
        this.notes = notes;
        return this;
    }

    /** {@code finished} hears of each stream once all its keys are on the target. */
    SnapshotCopy whenFinished(Consumer<StreamProgress> finished) {
        this.finished = finished;
        return this;
    }

    /** Copies the node; throws {@link ReplicaSync.Refused} before anything is copied when the source allows no snapshot. */
    void run() throws InterruptedException {
        Map<Integer, StreamProgress> byDb = new HashMap<>();
        // a live follow that takes a snapshot copies every db again: the writes since an earlier one are not known
        streams.stream().filter(s -> live != null || !s.done()).forEach(s -> byDb.put(s.db, s));
        if (byDb.isEmpty()) {
            return;
        }
        SourceNode node = streams.get(0).node;
        // a saving server sends a newline every second: twice --timeout without a byte means it is gone
        Duration connect = plan.timeouts().reply();
        Duration idle = plan.timeouts().snapshot();
        Duration followIdle = idle.compareTo(QUIET_LINK) > 0 ? idle : QUIET_LINK;
        ReplicaSync sync = live == null ? ReplicaSync.start(node.endpoint(), connect, idle)
                : resumeFrom != null ? ReplicaSync.resume(node.endpoint(), connect, idle, resumeFrom.replicationId(),
                resumeFrom.offset())
                : ReplicaSync.follow(node.endpoint(), connect, idle);
        try (sync) {
            byte[] readAhead = new byte[0];
            if (!sync.continued()) {
                if (resumeFrom != null) {
                    notes.accept("source " + node.address() + " no longer holds the writes after offset "
                            + resumeFrom.offset() + " (its replication backlog moved on, or it restarted): took a fresh snapshot");
                }
                readAhead = snapshot(sync, node, byDb);
                if (stopping.getAsBoolean()) {
                    return;
                }
            }
            if (live != null) {
                sync.readTimeout(followIdle);
                live.follow(sync, sync.commands(readAhead), sync.continued(), resumeFrom == null ? -1 : resumeFrom.db());
            }
        } catch (IOException e) {
            throw new CachectlException(ExitCode.DOWN, "lost the connection to source " + node.endpoint()
                    + " after its snapshot: " + ConnectionLoss.what(e, followIdle), e);
        }
    }

    /** Copies the snapshot on {@code sync}; returns what its reader read past the RDB's end. */
    private byte[] snapshot(ReplicaSync sync, SourceNode node, Map<Integer, StreamProgress> byDb) throws InterruptedException {
        SnapshotOutcomes outcomes = new SnapshotOutcomes(plan.target(), counters, progress, abort);
        byte[] readAhead;
        try (SnapshotSink sink = sink(outcomes)) {
            RdbReader rdb = new RdbReader(sync.rdb(), captureLimit());
            copy(rdb, byDb, sink, outcomes);
            sink.drain();
            readAhead = rdb.unread();
        } catch (RdbFormatException e) {
            throw new Unreadable("cannot read the snapshot of " + node.address() + ": " + e.getMessage(), e);
        } catch (IOException e) {
            // before Redis 7 a source buffers the writes it takes during the snapshot for us, as for any
            // replica, and cuts the link past client-output-buffer-limit: its log says so
            throw new CachectlException(ExitCode.DOWN, "lost the connection to source " + node.endpoint()
                    + " during its snapshot: " + ConnectionLoss.what(e, plan.timeouts().snapshot())
                    + " (if it is still up, its log says why it closed the link)", e);
        }
        if (stopping.getAsBoolean()) {
            return readAhead;
        }
        Map<Integer, List<byte[]>> deferred = outcomes.takeDeferred();
        if (live != null) {
            liveReadNote(node, deferred);
        }
        copyDeferred(deferred, byDb);
        if (stopping.getAsBoolean()) {
            return readAhead; // big keys were left uncopied: no stream is finished
        }
        for (StreamProgress stream : byDb.values()) {
            if (!stream.done()) {
                finished.accept(stream);
            }
        }
        return readAhead;
    }

    private SnapshotSink sink(SnapshotOutcomes outcomes) {
        return target.cluster() ? new ClusterSnapshotSink(target, plan.replace(), outcomes)
                : new PipeSnapshotSink(target, plan.replace(), outcomes);
    }

    private void copy(RdbReader rdb, Map<Integer, StreamProgress> byDb, SnapshotSink sink, SnapshotOutcomes outcomes)
            throws IOException, InterruptedException {
        KeySelection selection = plan.selection();
        boolean fieldExpiriesHeld = target.holdsFieldExpiries();
        KeySelection.Matcher matcher = selection.matcher();
        Set<String> types = selection.types();
        // under --rate, small batches: the pace stays even and a cancel does not wait out a big batch's turn
        int batchSize = RateLimiter.paced(plan.batch().batch(), plan.batch().ratePerSecond());
        List<SnapshotEntry> batch = new ArrayList<>(batchSize);
        long batchBytes = 0;
        long now = System.currentTimeMillis();
        long read = 0;
        while (rdb.next()) {
            // also between batches: filters may skip most of a snapshot, and Ctrl-C must not wait for its end
            if ((++read & 1023) == 0 && stopping.getAsBoolean()) {
                return;
            }
            int db = rdb.db();
            if (!byDb.containsKey(db)) {
                continue;
            }
            byte[] key = rdb.key();
            if (!matcher.test(key) || !types.isEmpty() && !types.contains(rdb.typeName())) {
                continue;
            }
            counters.scanned.increment();
            long expireAt = rdb.expireAtMillis();
            if (expireAt != 0 && expireAt <= now) {
                counters.expired.increment();
                continue;
            }
            // a hash whose fields have their own expiries (7.4+): a target that cannot hold them refuses its
            // payload anyway, and the copy by type names what it cannot carry
            if (big(rdb) || rdb.fieldTtls() && !fieldExpiriesHeld) {
                outcomes.defer(db, key);
                continue;
            }
            boolean asString = rdb.type() == TYPE_STRING;
            byte[] value = asString ? rdb.stringValue() : null;
            byte[] payload = asString ? null : rdb.dumpPayload();
            batch.add(new SnapshotEntry(db, key, plan.targetDb(db), selection.rename(key), expireAt, value, payload,
                    rdb.serializedBytes()));
            batchBytes += key.length + (asString ? value.length : payload.length);
            if (batch.size() >= batchSize || batchBytes >= BATCH_BYTES) {
                if (!rate.acquire(batch.size(), stopping)) {
                    return;
                }
                sink.write(batch);
                batch = new ArrayList<>(batchSize);
                batchBytes = 0;
                now = System.currentTimeMillis();
            }
        }
        if (!batch.isEmpty() && rate.acquire(batch.size(), stopping)) {
            sink.write(batch);
        }
    }

    /**
     * Too big to hold whole or to write in one command: by --big-key-*, or a string that inflates beyond the capture
     * limit. Not by --big-key-* in a live follow: a key set aside is read later from the live source, with writes
     * made since the snapshot that the stream then applies again (an INCR or ZINCRBY counted twice), so a value the
     * snapshot holds whole is written from it.
     */
    private boolean big(RdbReader rdb) throws IOException {
        if (!rdb.captured()) {
            return true;
        }
        if (live == null && (rdb.elements() > plan.bigKeyElements() || rdb.serializedBytes() > plan.bigKeyBytes())) {
            return true;
        }
        return rdb.type() == TYPE_STRING && rdb.stringLength() > captureLimit();
    }

    /** The largest value held whole: {@link #CAPTURE_LIMIT}, or --big-key-size when smaller and no live follow comes after. */
    private long captureLimit() {
        return live != null ? CAPTURE_LIMIT : Math.min(CAPTURE_LIMIT, plan.bigKeyBytes());
    }

    /**
     * A live follow's keys that are copied from the live source rather than from the snapshot (values over the capture
     * limit, payloads the target refused) carry writes made since the snapshot, which the stream then applies again:
     * the summary says which, as such a write is counted twice when it is not idempotent.
     */
    private void liveReadNote(SourceNode node, Map<Integer, List<byte[]>> deferred) {
        List<byte[]> keys = deferred.values().stream().flatMap(List::stream).toList();
        if (keys.isEmpty()) {
            return;
        }
        String examples = String.join(", ", keys.stream().limit(3).map(StructCopier::quoted).toList())
                + (keys.size() > 3 ? ", …" : "");
        notes.accept(keys.size() + " key(s) of source " + node.address() + " were copied from the live source after its "
                + "snapshot (values over " + (CAPTURE_LIMIT >> 20) + " MB, or payloads the target refused): " + examples
                + "; a write to one of them between the snapshot and its copy is applied twice when it is not "
                + "idempotent (INCR, LPUSH, ZINCRBY)");
    }

    /** Big keys and rejected payloads, key by key from the live source (they may have changed: they are read anew). */
    private void copyDeferred(Map<Integer, List<byte[]>> deferred, Map<Integer, StreamProgress> byDb) throws InterruptedException {
        if (deferred.isEmpty()) {
            return;
        }
        try (CopyWorker worker = new CopyWorker(plan, target, counters, progress, stopping)) {
            for (Map.Entry<Integer, List<byte[]>> db : deferred.entrySet()) {
                StreamProgress stream = byDb.get(db.getKey());
                List<byte[]> keys = db.getValue();
                int size = RateLimiter.paced(plan.batch().batch(), plan.batch().ratePerSecond());
                for (int from = 0; from < keys.size(); from += size) {
                    List<byte[]> unit = keys.subList(from, Math.min(keys.size(), from + size));
                    if (!rate.acquire(unit.size(), stopping)) {
                        return;
                    }
                    worker.copy(stream, unit);
                }
            }
        }
    }
}
