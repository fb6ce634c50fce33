package dev.cachectl.migrate;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.batch.RateLimiter;
import dev.cachectl.progress.ProgressListener;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * The engine-neutral copy: units read in order by up to {@code threads} readers, their batches written
 * by {@code threads} workers through a bounded queue (memory stays bounded whatever the data size),
 * a shared rate limit, progress, a checkpoint every second holding each unit's resume token (the item
 * up to which the target acknowledged everything), verification after a complete copy, and one
 * outcome and exit code. {@link #cancel} (Ctrl-C, SIGTERM) lets in-flight batches finish, saves the
 * checkpoint and ends with 130; a lost server ends with its exit code, the checkpoint saved, counts
 * that are only what the target acknowledged.
 */
public final class CopyRun {

    /** How to run: {@code job} spells the job out (URLs redacted) and {@code fingerprint} hashes it. */
    public record Settings(String engine, String source, String target, int threads, long ratePerSecond,
                           Path checkpointFile, boolean resume, String fingerprint, List<String> job, Path refusedFile) {
    }

    public record Result(CopySummary summary, ExitCode exitCode) {
    }

    private static final Object END = new Object();

    private final UnitCopier copier;
    private final Settings settings;
    private final ProgressListener progress;
    private final AtomicReference<String> cancelled = new AtomicReference<>();
    private final AtomicReference<CachectlException> fatal = new AtomicReference<>();
    private final LongAdder scanned = new LongAdder();
    private final LongAdder copied = new LongAdder();
    private final LongAdder skipped = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final Refusals refusals;
    private final List<String> notes = new java.util.concurrent.CopyOnWriteArrayList<>();

    public CopyRun(UnitCopier copier, Settings settings, ProgressListener progress) {
        this.copier = copier;
        this.settings = settings;
        this.progress = progress;
        this.refusals = new Refusals(settings.refusedFile());
    }

    /** Asks the run to wind down: in-flight batches finish, the checkpoint is saved, exit 130. */
    public void cancel(String reason) {
        cancelled.compareAndSet(null, reason);
    }

    /** Copies everything, then runs {@code verify} (may be null) when the copy is complete. */
    public Result run(Function<List<CopyUnit>, CopySummary.Verification> verify) {
        long started = System.nanoTime();
        Path file = settings.checkpointFile();
        UnitCheckpoint previous = settings.resume() ? load(file) : null;
        List<CopyUnit> units = copier.units();
        Map<String, UnitCheckpoint.Unit> before = new LinkedHashMap<>();
        if (previous != null) {
            previous.units().forEach(u -> before.put(u.unit(), u));
        }
        List<UnitProgress> states = new ArrayList<>();
        for (CopyUnit u : units) {
            UnitCheckpoint.Unit was = before.get(u.name());
            states.add(new UnitProgress(u, was == null || was.token().isEmpty() ? null : was.token(), was != null && was.done()));
        }
        progress.started("migrate", units.stream().mapToLong(CopyUnit::estimatedItems).sum());
        try {
            copyAll(states, previous);
        } finally {
            progress.finished();
            refusals.close();
        }
        boolean complete = states.stream().allMatch(UnitProgress::done) && fatal.get() == null && cancelled.get() == null;
        UnitCheckpoint.Totals base = previous == null ? new UnitCheckpoint.Totals(0, 0, 0, 0) : previous.totals();
        if (complete) {
            CheckpointFiles.delete(file);
        } else {
            saveCheckpoint(states, base);
        }
        CopySummary.Verification verification = complete && verify != null ? verify.apply(units) : null;
        return result(states, previous != null, complete, verification, started);
    }

    private UnitCheckpoint load(Path file) {
        if (!Files.exists(file)) {
            throw CachectlException.usage("--resume: no checkpoint at " + file + " (nothing was interrupted, or it finished)");
        }
        UnitCheckpoint checkpoint = UnitCheckpoint.read(file, copier::validToken);
        if (!checkpoint.plan().equals(settings.fingerprint())) {
            List<String> differences = new ArrayList<>();
            for (int i = 0; i < Math.max(checkpoint.job().size(), settings.job().size()); i++) {
                String was = i < checkpoint.job().size() ? checkpoint.job().get(i) : "";
                String now = i < settings.job().size() ? settings.job().get(i) : "";
                if (!was.equals(now)) {
                    differences.add(was + " (now " + now + ")");
                }
            }
            throw CachectlException.usage("--resume: checkpoint " + file + " belongs to another migration ("
                    + String.join("; ", differences) + "); remove it or run the same job");
        }
        return checkpoint;
    }

    private void copyAll(List<UnitProgress> states, UnitCheckpoint previous) {
        int threads = settings.threads();
        BlockingQueue<Object> queue = new ArrayBlockingQueue<>(threads * 2);
        ConcurrentLinkedQueue<UnitProgress> todo = new ConcurrentLinkedQueue<>(states.stream().filter(s -> !s.done()).toList());
        RateLimiter rate = RateLimiter.perSecond(settings.ratePerSecond());
        List<Thread> readers = new ArrayList<>();
        for (int i = 0; i < Math.max(1, Math.min(threads, todo.size())); i++) {
            readers.add(daemon("migrate-read-" + i, () -> read(todo, queue, rate)));
        }
        List<Thread> writers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            writers.add(daemon("migrate-write-" + i, () -> write(queue)));
        }
        UnitCheckpoint.Totals base = previous == null ? new UnitCheckpoint.Totals(0, 0, 0, 0) : previous.totals();
        long nextSave = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        join(readers, states, base, nextSave);
        for (int i = 0; i < threads; i++) {
            putUninterruptibly(queue, END);
        }
        join(writers, states, base, nextSave);
    }

    /** Waits for {@code threads}, saving the checkpoint every second meanwhile. */
    private void join(List<Thread> threads, List<UnitProgress> states, UnitCheckpoint.Totals base, long nextSave) {
        for (Thread t : threads) {
            while (t.isAlive()) {
                try {
                    t.join(200);
                } catch (InterruptedException e) {
                    cancel("interrupted");
                }
                if (System.nanoTime() >= nextSave) {
                    saveCheckpoint(states, base);
                    nextSave = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                }
            }
        }
    }

    private boolean stopping() {
        return cancelled.get() != null || fatal.get() != null;
    }

    private void read(ConcurrentLinkedQueue<UnitProgress> todo, BlockingQueue<Object> queue, RateLimiter rate) {
        UnitProgress unit;
        while (!stopping() && (unit = todo.poll()) != null) {
            try {
                notes.addAll(copier.prepare(unit.unit));
                try (UnitCopier.Reader reader = copier.reader(unit.unit, unit.token())) {
                    UnitCopier.Batch batch;
                    while (!stopping() && (batch = reader.next()) != null) {
                        rate.acquire(batch.items().size());
                        scanned.add(batch.items().size());
                        long seq = unit.issue(batch.lastToken());
                        putUninterruptibly(queue, new Task(unit, seq, batch));
                    }
                    if (!stopping()) {
                        unit.readAll();
                    }
                }
            } catch (CachectlException e) {
                fatal.compareAndSet(null, e);
            } catch (InterruptedException e) {
                cancel("interrupted");
            } catch (RuntimeException | OutOfMemoryError e) {
                fatal.compareAndSet(null, unexpected(e));
            }
        }
    }

    private void write(BlockingQueue<Object> queue) {
        try (UnitCopier.Writer writer = copier.writer()) {
            while (true) {
                Object next = queue.take();
                if (next == END) {
                    return;
                }
                Task task = (Task) next;
                if (fatal.get() != null) {
                    continue; // drained unwritten: the checkpoint stays before this batch
                }
                try {
                    UnitCopier.Written w = writer.write(task.batch);
                    copied.add(w.copied());
                    skipped.add(w.skippedExisting());
                    bytes.add(task.batch.bytes());
                    task.unit.copied.addAndGet(w.copied());
                    task.unit.skipped.addAndGet(w.skippedExisting());
                    task.unit.failed.addAndGet(w.refused().size());
                    w.refused().forEach(refusals::add);
                    task.unit.acknowledge(task.seq);
                    progress.advanced(task.batch.items().size(), task.batch.bytes());
                } catch (CachectlException e) {
                    fatal.compareAndSet(null, e);
                } catch (RuntimeException | OutOfMemoryError e) {
                    fatal.compareAndSet(null, unexpected(e));
                }
            }
        } catch (InterruptedException e) {
            cancel("interrupted");
        }
    }

    private static CachectlException unexpected(Throwable e) {
        if (e instanceof OutOfMemoryError) {
            return new CachectlException(ExitCode.FAILED, "ran out of memory: lower --batch or --threads, or give the JVM more", e);
        }
        return new CachectlException(ExitCode.FAILED, "the copy stopped on an unexpected error (run with --verbose for "
                + "details); the checkpoint is saved, so --resume continues", e);
    }

    private static Thread daemon(String name, Runnable work) {
        Thread t = new Thread(work, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void putUninterruptibly(BlockingQueue<Object> queue, Object item) {
        boolean interrupted = false;
        while (true) {
            try {
                queue.put(item);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void saveCheckpoint(List<UnitProgress> states, UnitCheckpoint.Totals base) {
        List<UnitCheckpoint.Unit> units = states.stream().map(UnitProgress::checkpoint).toList();
        UnitCheckpoint.of(settings.fingerprint(), settings.job(), units, totals(base)).write(settings.checkpointFile());
    }

    private UnitCheckpoint.Totals totals(UnitCheckpoint.Totals base) {
        return new UnitCheckpoint.Totals(base.copied() + copied.sum(), base.skippedExisting() + skipped.sum(),
                base.failed() + refusals.count(), base.bytes() + bytes.sum());
    }

    private Result result(List<UnitProgress> states, boolean resumed, boolean complete,
                          CopySummary.Verification verification, long started) {
        double seconds = (System.nanoTime() - started) / 1e9;
        boolean mismatches = verification != null && verification.mismatches() > 0;
        // no cause recorded, yet items were left unread: never report that as done
        RunEnding end = RunEnding.of(fatal.get(), cancelled.get(), complete, refusals.count() > 0 || mismatches,
                "the copy stopped before the end for an unknown reason; the checkpoint is saved, so --resume finishes the job");
        List<CopySummary.Collection> collections = states.stream().map(s -> new CopySummary.Collection(s.unit.name(),
                s.unit.targetName(), s.unit.estimatedItems(), s.unit.estimatedBytes(), s.copied.get(), s.skipped.get(),
                s.failed.get(), s.done())).toList();
        long copiedNow = copied.sum();
        CopySummary summary = new CopySummary(settings.engine(), settings.source(), settings.target(), end.outcome(), false, resumed,
                scanned.sum(), copiedNow, skipped.sum(), refusals.count(), refusals.reasons(), refusals.examples(),
                refusals.file(), bytes.sum(), seconds, seconds > 0 ? (copiedNow + skipped.sum()) / seconds : 0, null, null,
                collections, complete ? null : settings.checkpointFile().toString(), end.because(), List.copyOf(notes), verification);
        return new Result(summary, end.exit());
    }

    private record Task(UnitProgress unit, long seq, UnitCopier.Batch batch) {
    }
}
