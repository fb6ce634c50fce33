package dev.cachectl.warm;

import dev.cachectl.CachectlException;
import dev.cachectl.batch.BatchSettings;
import dev.cachectl.batch.RateLimiter;
import dev.cachectl.progress.ProgressListener;
import dev.cachectl.util.Threads;
import dev.cachectl.warm.sink.BatchSink;
import dev.cachectl.warm.sink.Lanes;
import dev.cachectl.warm.source.MalformedRecordException;
import dev.cachectl.warm.source.RecordSource;
import dev.cachectl.warm.source.SourceException;
import dev.cachectl.warm.source.SourceRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicReference;

import static dev.cachectl.util.Threads.daemon;
import static dev.cachectl.util.Threads.joinUninterruptibly;
import static dev.cachectl.util.Threads.putUninterruptibly;
import static dev.cachectl.util.Threads.takeUninterruptibly;

/**
 * Loads records into Redis: this thread reads the source into numbered batches; writer threads map
 * the records of a batch in parallel, then, in input order (see {@link Turns}), hand each lane its part
 * of the batch (see {@link Lanes}); one thread per lane sends its parts in the order handed, so the
 * target applies the writes of a key in input order however many writer threads there are. A lane's
 * sink counts the replies as they come back. The queues between reader, writers and lanes are short,
 * and a sink keeps only a few batches unanswered, so memory stays bounded by a few batches whatever the
 * input. A batch is also cut at {@link #BATCH_BYTES}, so that big records do not make big batches. With one
 * writer thread and one lane ({@code --threads 1}, into a standalone server or a cluster) there is no thread
 * to hand a batch to: this one maps and sends each batch itself ({@link #runInline}), in the same order and
 * with the same counts.
 */
final class RedisWriter {
    static final int BATCH_BYTES = 1 << 20;
    private static final Batch END = new Batch(-1, List.of(), 0);
    private static final List<WriteOp> LANE_END = new ArrayList<>();

    private final BatchSettings settings;
    private final RateLimiter limiter;
    private final ProgressListener progress;

    /** Records {@code number} (from 0) of the input, in order, and their size in the source. */
    private record Batch(long number, List<SourceRecord> records, long bytes) {

        /** The source bytes of the first {@code handled} records: known without a pass over them when that is all. */
        long bytes(int handled) {
            return handled == records.size() ? bytes : records.subList(0, handled).stream().mapToLong(SourceRecord::size).sum();
        }
    }

    RedisWriter(BatchSettings settings, ProgressListener progress) {
        this.settings = settings;
        this.limiter = RateLimiter.perSecond(settings.ratePerSecond());
        this.progress = progress;
    }

    /** Batch size actually used: under a low --rate, smaller batches keep the pace even instead of bursty. */
    int batchSize() {
        return RateLimiter.paced(settings.batch(), settings.ratePerSecond());
    }

    void run(RecordSource source, RecordMapper mapper, Lanes lanes, boolean nx, Tally tally) {
        if (settings.threads() == 1 && lanes.count() == 1) {
            runInline(source, mapper, lanes, nx, tally);
            return;
        }
        List<Lane> opened = new ArrayList<>();
        List<Thread> laneThreads = new ArrayList<>();
        Writers writers = new Writers(mapper, lanes, opened, tally);
        try {
            for (int i = 0; i < lanes.count(); i++) {
                opened.add(new Lane(lanes.sinks().get(), lanes.merge(), nx, tally));
            }
            for (Lane lane : opened) {
                laneThreads.add(daemon("warm-lane-" + laneThreads.size(), lane::work));
            }
            BlockingQueue<Batch> queue = new ArrayBlockingQueue<>(settings.threads() * 2);
            List<Thread> threads = new ArrayList<>();
            try {
                for (int i = 0; i < settings.threads(); i++) {
                    threads.add(daemon("warm-writer-" + i, () -> writers.work(queue)));
                }
                read(source, new Handoff.Queued(queue), tally);
            } finally {
                for (int i = 0; i < threads.size(); i++) {
                    putUninterruptibly(queue, END);
                }
                joinUninterruptibly(threads);
            }
        } finally {
            // every lane started gets its end, even when a later step failed, so none is left waiting
            for (int i = 0; i < laneThreads.size(); i++) {
                putUninterruptibly(opened.get(i).parts, LANE_END);
            }
            joinUninterruptibly(laneThreads);
            opened.forEach(lane -> lane.sink.close());
            // the lanes that lost the target reported why; what raised it is for --verbose
            opened.forEach(lane -> tally.causedBy(lane.sink.lostCause()));
        }
        rethrow(writers, opened);
    }

    /**
     * One thread for everything: it reads a batch, maps it and sends it, while the pipe's reply thread counts the
     * answers. With one lane and {@code --threads 1} there is nothing to run in parallel, and on a machine that also
     * runs the server, threads handing batches on to each other take turns on the server's core.
     */
    private void runInline(RecordSource source, RecordMapper mapper, Lanes lanes, boolean nx, Tally tally) {
        Lane lane = new Lane(lanes.sinks().get(), 0, nx, tally, true);
        List<Lane> opened = List.of(lane);
        Writers writers = new Writers(mapper, lanes, opened, tally);
        try {
            read(source, new Handoff.Inline(writers), tally);
        } finally {
            lane.sink.close();
            tally.causedBy(lane.sink.lostCause());
        }
        rethrow(writers, opened);
    }

    private static void rethrow(Writers writers, List<Lane> opened) {
        Throwable crash = writers.crash.get();
        for (Lane lane : opened) {
            crash = crash != null ? crash : lane.crash;
        }
        if (crash != null) {
            throw new IllegalStateException("a writer thread failed: " + crash, crash);
        }
    }

    /** How the reader hands a batch on: into the writers' queue, or to be written there and then. */
    private interface Handoff {
        void put(Batch batch) throws InterruptedException;

        /** Hands the batch on unless that means waiting. */
        boolean offer(Batch batch);

        void putUninterruptibly(Batch batch);

        record Queued(BlockingQueue<Batch> queue) implements Handoff {
            @Override
            public void put(Batch batch) throws InterruptedException {
                queue.put(batch);
            }

            @Override
            public boolean offer(Batch batch) {
                return queue.offer(batch);
            }

            @Override
            public void putUninterruptibly(Batch batch) {
                Threads.putUninterruptibly(queue, batch);
            }
        }

        record Inline(Writers writers) implements Handoff {
            @Override
            public void put(Batch batch) {
                writers.handle(batch);
            }

            @Override
            public boolean offer(Batch batch) {
                writers.handle(batch);
                return true;
            }

            @Override
            public void putUninterruptibly(Batch batch) {
                writers.handle(batch);
            }
        }
    }

    private void read(RecordSource source, Handoff queue, Tally tally) {
        Batches batches = new Batches(queue, batchSize());
        // records that trickle in from a slow pipe are sent once it pauses, not when a batch is full or at its end
        source.whileWaiting(batches::sendPartial);
        // what a pipe gave cannot be read again: after Ctrl-C or SIGTERM it is written too, after a failure counted as
        // read and not sent (the source ends by itself once it has given what it took); past --max-errors, nothing more
        boolean drain = source.consumesInput();
        try {
            SourceRecord record;
            while ((!tally.stopped() || drain && !tally.overLimit()) && (record = source.next()) != null) {
                batches.add(record);
            }
            batches.sendLast();
        } catch (SourceException e) {
            // the records read before the failure are good: they are written, and the run says where it ended
            batches.sendLastUninterruptibly();
            tally.sourceFailed(e.getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            tally.stop("interrupted");
        }
    }

    /** The batch being filled, and the numbering of those handed on. */
    private static final class Batches {
        private final Handoff queue;
        private final int size;
        private long number;
        private List<SourceRecord> batch;
        private long bytes;

        Batches(Handoff queue, int size) {
            this.queue = queue;
            this.size = size;
            this.batch = new ArrayList<>(size);
        }

        void add(SourceRecord record) throws InterruptedException {
            batch.add(record);
            bytes += record.size();
            if (batch.size() >= size || bytes >= BATCH_BYTES) {
                queue.put(new Batch(number++, batch, bytes));
                batch = new ArrayList<>(size);
                bytes = 0;
            }
        }

        /** Hands on the records read so far, unless every writer is busy: then they go with the next ones. */
        void sendPartial() {
            if (!batch.isEmpty() && queue.offer(new Batch(number, batch, bytes))) {
                number++;
                batch = new ArrayList<>(size);
                bytes = 0;
            }
        }

        void sendLast() throws InterruptedException {
            if (!batch.isEmpty()) {
                queue.put(new Batch(number, batch, bytes));
            }
        }

        void sendLastUninterruptibly() {
            if (!batch.isEmpty()) {
                queue.putUninterruptibly(new Batch(number, batch, bytes));
            }
        }
    }

    /** What the writer threads share: the mapping, the lanes, the turns, the tally. */
    private final class Writers {
        private final RecordMapper mapper;
        private final Lanes lanes;
        private final List<Lane> opened;
        private final Turns turns = new Turns();
        private final Tally tally;
        private final AtomicReference<Throwable> crash = new AtomicReference<>();

        Writers(RecordMapper mapper, Lanes lanes, List<Lane> opened, Tally tally) {
            this.mapper = mapper;
            this.lanes = lanes;
            this.opened = opened;
            this.tally = tally;
        }

        /**
         * Takes batches until the end: maps each (unless the run has halted: a batch taken from the source then is
         * counted as read and not sent, since a pipe cannot give it again; after Ctrl-C or SIGTERM what was read is
         * still written), then in its turn counts its malformed records and hands its parts to the lanes. Every batch
         * passes its turn, even after a failure, or the batches after it would wait for ever.
         */
        void work(BlockingQueue<Batch> queue) {
            while (true) {
                Batch batch = takeUninterruptibly(queue);
                if (batch == END) {
                    return;
                }
                handle(batch);
            }
        }

        /** Maps one batch, then in its turn hands it on (see {@link #work}). */
        void handle(Batch batch) {
            Mapped mapped = null;
            try {
                if (!tally.halted()) {
                    if (!tally.stopped()) {
                        // after Ctrl-C or SIGTERM what was read ahead goes at once, not at --rate for minutes
                        limiter.acquire(batch.records().size());
                    }
                    mapped = map(batch.records());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                tally.stop("interrupted");
            } catch (RuntimeException | Error e) {
                crash.compareAndSet(null, e);
                tally.stop("internal error: " + e);
            }
            turns.await(batch.number());
            int handled = 0;
            try {
                if (mapped != null) {
                    handled = handOn(mapped);
                } else if (tally.halted() && !tally.overLimit()) {
                    tally.notSent(batch.records().size());
                }
            } finally {
                turns.pass(batch.number());
            }
            if (handled > 0) {
                progress.advanced(handled, batch.bytes(handled));
            }
        }

        private Mapped map(List<SourceRecord> records) {
            int count = opened.size();
            List<List<WriteOp>> byLane = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                byLane.add(new ArrayList<>(count == 1 ? records.size() : records.size() / count + 16));
            }
            List<Bad> bad = List.of();
            int skipped = 0;
            for (int i = 0; i < records.size(); i++) {
                SourceRecord record = records.get(i);
                try {
                    WriteOp op = mapper.map(record);
                    if (op == null) {
                        skipped++;
                    } else {
                        byLane.get(count == 1 ? 0 : lanes.of().applyAsInt(op.key())).add(op);
                    }
                } catch (MalformedRecordException e) {
                    if (bad.isEmpty()) {
                        bad = new ArrayList<>();
                    }
                    bad.add(new Bad(i, record.line(), e.getMessage(), byLane.stream().mapToInt(List::size).toArray(), skipped));
                }
            }
            return new Mapped(byLane, bad, records.size(), skipped);
        }

        /**
         * Counts a mapped batch in input order (batches are mapped in parallel, so only here is it known which malformed
         * record goes past --max-errors) and hands on its writes up to that record: none after it. How many records it handled.
         */
        private int handOn(Mapped mapped) {
            if (tally.overLimit()) {
                return 0;
            }
            List<List<WriteOp>> byLane = mapped.byLane();
            int records = mapped.records();
            int skipped = mapped.skipped();
            for (Bad bad : mapped.bad()) {
                if (tally.malformed(bad.line(), bad.reason())) {
                    records = bad.index() + 1;
                    skipped = bad.skippedBefore();
                    List<List<WriteOp>> before = new ArrayList<>(byLane.size());
                    for (int lane = 0; lane < byLane.size(); lane++) {
                        before.add(new ArrayList<>(byLane.get(lane).subList(0, bad.laneSizes()[lane])));
                    }
                    byLane = before;
                    break;
                }
            }
            tally.skipped.add(skipped);
            tally.read.add(records);
            for (int lane = 0; lane < opened.size(); lane++) {
                if (!byLane.get(lane).isEmpty()) {
                    opened.get(lane).hand(byLane.get(lane));
                }
            }
            return records;
        }
    }

    /** A batch mapped: its writes by lane, and its malformed records in order. */
    private record Mapped(List<List<WriteOp>> byLane, List<Bad> bad, int records, int skipped) {
    }

    /** A malformed record, the {@code index}th of its batch, with how many writes each lane and how many skips came before it. */
    private record Bad(int index, long line, String reason, int[] laneSizes, int skippedBefore) {
    }

    /**
     * One lane: its sink and the parts of batches handed to it, in order, which its thread sends one
     * after the other (several together, up to {@code merge} writes, when they queued up). It takes parts
     * until the end whatever happens, so a writer never waits for ever on a full queue.
     */
    private static final class Lane {
        final BatchSink sink;
        final BlockingQueue<List<WriteOp>> parts = new ArrayBlockingQueue<>(4);
        private final int merge;
        private final boolean nx;
        private final Tally tally;
        /** Sends what it is handed there and then, on the caller's thread: it has no thread of its own. */
        private final boolean inline;
        volatile Throwable crash;

        Lane(BatchSink sink, int merge, boolean nx, Tally tally) {
            this(sink, merge, nx, tally, false);
        }

        Lane(BatchSink sink, int merge, boolean nx, Tally tally, boolean inline) {
            this.sink = sink;
            this.merge = merge;
            this.nx = nx;
            this.tally = tally;
            this.inline = inline;
        }

        /** A part of a batch, in input order. */
        void hand(List<WriteOp> ops) {
            if (inline) {
                send(ops);
            } else {
                putUninterruptibly(parts, ops);
            }
        }

        void work() {
            while (true) {
                List<WriteOp> ops = takeUninterruptibly(parts);
                if (ops == LANE_END) {
                    return;
                }
                boolean ended = false;
                if (merge > 0 && ops.size() < merge && !parts.isEmpty()) {
                    ops = new ArrayList<>(ops);
                    List<WriteOp> next;
                    while (ops.size() < merge && (next = parts.peek()) != null) {
                        parts.poll();
                        if (next == LANE_END) {
                            ended = true;
                            break;
                        }
                        ops.addAll(next);
                    }
                }
                send(ops);
                if (ended) {
                    return;
                }
            }
        }

        private void send(List<WriteOp> ops) {
            try {
                if (crash == null) {
                    sink.send(ops, nx, tally::add);
                }
            } catch (CachectlException e) {
                tally.stop(e.getMessage(), e.getCause());
            } catch (RuntimeException | Error e) {
                crash = e;
                tally.stop("internal error: " + e);
            }
        }
    }
}
