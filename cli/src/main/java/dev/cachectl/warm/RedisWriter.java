package dev.cachectl.warm;

import dev.cachectl.CachectlException;
import dev.cachectl.batch.BatchSettings;
import dev.cachectl.batch.RateLimiter;
import dev.cachectl.progress.ProgressListener;
import dev.cachectl.warm.sink.BatchSink;
import dev.cachectl.warm.source.MalformedRecordException;
import dev.cachectl.warm.source.RecordSource;
import dev.cachectl.warm.source.SourceException;
import dev.cachectl.warm.source.SourceRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Loads records into Redis: this thread reads the source into batches; writer threads, each with
 * its own sink (connection), parse and map the records of a batch and send the writes, whose
 * replies the sink counts as they come back. The queue between reader and writers is short, and a
 * sink keeps only a few batches unanswered, so memory stays bounded by a few batches whatever the
 * input. A batch is also cut at {@link #BATCH_BYTES}, so that big records do not make big batches.
 */
final class RedisWriter {
    static final int BATCH_BYTES = 1 << 20;
    private static final List<SourceRecord> END = new ArrayList<>();

    private final BatchSettings settings;
    private final RateLimiter limiter;
    private final ProgressListener progress;

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

    void run(RecordSource source, RecordMapper mapper, Supplier<BatchSink> sinks, boolean nx, Tally tally) {
        List<BatchSink> opened = new ArrayList<>();
        try {
            for (int i = 0; i < settings.threads(); i++) {
                opened.add(sinks.get());
            }
            BlockingQueue<List<SourceRecord>> queue = new ArrayBlockingQueue<>(settings.threads() * 2);
            AtomicReference<Throwable> crash = new AtomicReference<>();
            List<Thread> workers = new ArrayList<>();
            for (BatchSink sink : opened) {
                Thread t = new Thread(() -> work(queue, sink, mapper, nx, tally, crash), "warm-writer-" + workers.size());
                t.setDaemon(true);
                workers.add(t);
                t.start();
            }
            try {
                read(source, queue, tally);
            } finally {
                finish(queue, workers);
            }
            if (crash.get() != null) {
                throw new IllegalStateException("a writer thread failed: " + crash.get(), crash.get());
            }
        } finally {
            opened.forEach(BatchSink::close);
        }
    }

    private void read(RecordSource source, BlockingQueue<List<SourceRecord>> queue, Tally tally) {
        int size = batchSize();
        List<SourceRecord> batch = new ArrayList<>(size);
        long bytes = 0;
        try {
            SourceRecord record;
            while (!tally.stopped() && (record = source.next()) != null) {
                batch.add(record);
                bytes += record.size();
                if (batch.size() >= size || bytes >= BATCH_BYTES) {
                    queue.put(batch);
                    batch = new ArrayList<>(size);
                    bytes = 0;
                }
            }
            if (!batch.isEmpty()) {
                queue.put(batch);
            }
        } catch (SourceException e) {
            tally.stop(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            tally.stop("interrupted");
        }
    }

    private static void finish(BlockingQueue<List<SourceRecord>> queue, List<Thread> workers) {
        boolean interrupted = false;
        for (int i = 0; i < workers.size(); i++) {
            while (true) {
                try {
                    queue.put(END);
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        for (Thread t : workers) {
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

    private void work(BlockingQueue<List<SourceRecord>> queue, BatchSink sink, RecordMapper mapper, boolean nx, Tally tally,
                      AtomicReference<Throwable> crash) {
        try {
            workBatches(queue, sink, mapper, nx, tally);
        } catch (InterruptedException e) {
            tally.stop("interrupted");
        } catch (CachectlException e) {
            tally.stop(e.getMessage());
        } catch (RuntimeException | Error e) {
            crash.compareAndSet(null, e);
            tally.stop("internal error: " + e);
            drain(queue);
        } finally {
            sink.drain();
        }
    }

    private void workBatches(BlockingQueue<List<SourceRecord>> queue, BatchSink sink, RecordMapper mapper, boolean nx,
                             Tally tally) throws InterruptedException {
        while (true) {
            List<SourceRecord> batch = queue.take();
            if (batch == END) {
                return;
            }
            if (tally.stopped()) {
                continue; // left unread: the run is over, and the summary counts only what was handled
            }
            limiter.acquire(batch.size());
            List<WriteOp> ops = new ArrayList<>(batch.size());
            long bytes = 0;
            for (SourceRecord record : batch) {
                bytes += record.size();
                try {
                    WriteOp op = mapper.map(record);
                    if (op == null) {
                        tally.skipped.increment();
                    } else {
                        ops.add(op);
                    }
                } catch (MalformedRecordException e) {
                    tally.malformed(record.line(), e.getMessage());
                }
            }
            tally.read.add(batch.size());
            if (!ops.isEmpty()) {
                sink.send(ops, nx, tally::add);
            }
            progress.advanced(batch.size(), bytes);
        }
    }

    /** After a crash, keeps taking batches so the reader is never stuck on a full queue. */
    private static void drain(BlockingQueue<List<SourceRecord>> queue) {
        try {
            while (queue.take() != END) {
                // discarded
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
