package dev.cachectl.warm;

import dev.cachectl.CachectlException;
import dev.cachectl.batch.BatchSettings;
import dev.cachectl.batch.RateLimiter;
import dev.cachectl.progress.ProgressListener;
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

/**
 * Loads records into Redis: this thread reads the source into numbered batches; writer threads map
 * the records of a batch in parallel, then send its writes lane by lane (see {@link Lanes}) when it is
 * the batch's turn on that lane, so the target applies the writes of a key in input order however many
 * threads there are. A lane's sink counts the replies as they come back. The queue between reader and
 * writers is short, and a sink keeps only a few batches unanswered, so memory stays bounded by a few
 * batches whatever the input. A batch is also cut at {@link #BATCH_BYTES}, so that big records do not
 * make big batches.
 */
final class RedisWriter {
    static final int BATCH_BYTES = 1 << 20;
    private static final Batch END = new Batch(-1, List.of());

    private final BatchSettings settings;
    private final RateLimiter limiter;
    private final ProgressListener progress;

    /** Records {@code number} (from 0) of the input, in order. */
    private record Batch(long number, List<SourceRecord> records) {
    }

    RedisWriter(BatchSettings settings, ProgressListener progress) {
        this.settings = settings;
        this.limiter = RateLimiter.perSecond(settings.ratePerSecond());
        this.progress = progress;
    }

    /** Batch size actually used: under a low --rate, smaller batches keep the pace even instead of bursty. */
    int batchSize() {
        long rate = settings.ratePerSecond();
        return rate > 0 ? (int) Math.max(1, Math.min(settings.batch(), rate / 10)) : settings.batch();
    }

    void run(RecordSource source, RecordMapper mapper, Lanes lanes, boolean nx, Tally tally) {
        List<BatchSink> sinks = new ArrayList<>();
        try {
            for (int i = 0; i < lanes.count(); i++) {
                sinks.add(lanes.sinks().get());
            }
            Writers writers = new Writers(mapper, lanes, sinks, nx, tally);
            BlockingQueue<Batch> queue = new ArrayBlockingQueue<>(settings.threads() * 2);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < settings.threads(); i++) {
                Thread t = new Thread(() -> writers.work(queue), "warm-writer-" + i);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
            try {
                read(source, queue, tally);
            } finally {
                finish(queue, threads);
                sinks.forEach(BatchSink::drain);
            }
            if (writers.crash.get() != null) {
                throw new IllegalStateException("a writer thread failed: " + writers.crash.get(), writers.crash.get());
            }
        } finally {
            sinks.forEach(BatchSink::close);
        }
    }

    private void read(RecordSource source, BlockingQueue<Batch> queue, Tally tally) {
        int size = batchSize();
        long number = 0;
        List<SourceRecord> batch = new ArrayList<>(size);
        long bytes = 0;
        try {
            SourceRecord record;
            while (!tally.stopped() && (record = source.next()) != null) {
                batch.add(record);
                bytes += record.size();
                if (batch.size() >= size || bytes >= BATCH_BYTES) {
                    queue.put(new Batch(number++, batch));
                    batch = new ArrayList<>(size);
                    bytes = 0;
                }
            }
            if (!batch.isEmpty()) {
                queue.put(new Batch(number, batch));
            }
        } catch (SourceException e) {
            tally.stop(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            tally.stop("interrupted");
        }
    }

    private static void finish(BlockingQueue<Batch> queue, List<Thread> threads) {
        boolean interrupted = false;
        for (int i = 0; i < threads.size(); i++) {
            while (true) {
                try {
                    queue.put(END);
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        for (Thread t : threads) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** What the writer threads share: the mapping, the lanes with their sinks and turns, the tally. */
    private final class Writers {
        private final RecordMapper mapper;
        private final Lanes lanes;
        private final List<BatchSink> sinks;
        private final Turns turns;
        private final boolean nx;
        private final Tally tally;
        private final AtomicReference<Throwable> crash = new AtomicReference<>();

        Writers(RecordMapper mapper, Lanes lanes, List<BatchSink> sinks, boolean nx, Tally tally) {
            this.mapper = mapper;
            this.lanes = lanes;
            this.sinks = sinks;
            this.turns = new Turns(sinks.size());
            this.nx = nx;
            this.tally = tally;
        }

        /**
         * Takes batches until the end: maps each (unless the run is over: what is left is not read, and
         * the summary counts only what was handled), then sends it in its turn. Every batch passes
         * every lane, even after a failure, or the batches after it would wait for ever.
         */
        void work(BlockingQueue<Batch> queue) {
            while (true) {
                Batch batch = take(queue);
                if (batch == END) {
                    return;
                }
                List<List<WriteOp>> byLane = null;
                long bytes = 0;
                try {
                    if (!tally.stopped()) {
                        limiter.acquire(batch.records().size());
                        byLane = map(batch.records());
                        bytes = batch.records().stream().mapToLong(SourceRecord::size).sum();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    tally.stop("interrupted");
                } catch (RuntimeException | Error e) {
                    failed(e);
                }
                send(batch.number(), byLane);
                if (byLane != null) {
                    progress.advanced(batch.records().size(), bytes);
                }
            }
        }

        private List<List<WriteOp>> map(List<SourceRecord> records) {
            List<List<WriteOp>> byLane = new ArrayList<>(sinks.size());
            for (int i = 0; i < sinks.size(); i++) {
                byLane.add(new ArrayList<>(sinks.size() == 1 ? records.size() : records.size() / sinks.size() + 16));
            }
            for (SourceRecord record : records) {
                try {
                    WriteOp op = mapper.map(record);
                    if (op == null) {
                        tally.skipped.increment();
                    } else {
                        byLane.get(sinks.size() == 1 ? 0 : lanes.of().applyAsInt(op.key())).add(op);
                    }
                } catch (MalformedRecordException e) {
                    tally.malformed(record.line(), e.getMessage());
                }
            }
            tally.read.add(records.size());
            return byLane;
        }

        /** Sends batch {@code number}'s writes ({@code byLane}, or nothing when null) on each lane in its turn. */
        private void send(long number, List<List<WriteOp>> byLane) {
            for (int lane = 0; lane < sinks.size(); lane++) {
                turns.await(lane, number);
                try {
                    if (byLane != null && !byLane.get(lane).isEmpty()) {
                        sinks.get(lane).send(byLane.get(lane), nx, tally::add);
                    }
                } catch (CachectlException e) {
                    tally.stop(e.getMessage());
                } catch (RuntimeException | Error e) {
                    failed(e);
                } finally {
                    turns.pass(lane, number);
                }
            }
        }

        private void failed(Throwable e) {
            crash.compareAndSet(null, e);
            tally.stop("internal error: " + e);
        }
    }

    /** The next batch; an interrupt does not end the wait, since the reader's end marker always comes. */
    private static Batch take(BlockingQueue<Batch> queue) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return queue.take();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
