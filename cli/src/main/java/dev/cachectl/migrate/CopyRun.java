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

import static dev.cachectl.util.Threads.daemon;
import static dev.cachectl.util.Threads.putUninterruptibly;

/**
 * The one migrate orchestrator, for every engine: the {@link Migration}'s units, read in order by up to
 * {@code threads} readers (or a whole group at once by the engine's {@link UnitCopier.GroupCopy}, which
 * may fall back to reading its units one by one), their batches written by {@code threads} workers
 * through a bounded queue (memory stays bounded whatever the data size), a shared rate limit, progress,
 * a checkpoint every second holding each unit's resume token (the item up to which the target
 * acknowledged everything) in the engine's format or {@link UnitCheckpoint}'s, verification after a
 * complete copy, and the engine's summary and exit code. {@link #cancel} (Ctrl-C, SIGTERM) lets
 * in-flight batches finish, saves the checkpoint and ends with 130; a lost server ends with its exit
 * code, the checkpoint saved, counts that are only what the target acknowledged.
 */
public final class CopyRun {

    /** How to run: {@code job} spells the job out (URLs redacted) and {@code fingerprint} hashes it. */
    public record Settings(String engine, String source, String target, int threads, long ratePerSecond,
                           Path checkpointFile, boolean resume, String fingerprint, List<String> job, Path refusedFile) {
    }

    /** {@code fatal}: what stopped the run, when something did, so that {@code --verbose} can show its cause. */
    public record Result(Summary summary, ExitCode exitCode, CachectlException fatal) {

        public Result(Summary summary, ExitCode exitCode) {
            this(summary, exitCode, null);
        }
    }

    /** One unit at the end of a run: what this run did of it, and whether all of it is on the target. */
    public record UnitResult(CopyUnit unit, long copied, long skippedExisting, long failed, boolean done) {
    }

    /**
     * How a run ended, for the engine's summary: {@code fatal} and {@code cancelled} (null when neither),
     * whether every unit is complete, the checkpoint left behind (null when complete), and this run's counts.
     */
    public record Ended(CachectlException fatal, String cancelled, boolean complete, boolean resumed, double seconds,
                        Path checkpoint, List<UnitResult> units, Verified verification, List<String> notes,
                        long scanned, long copied, long skippedExisting, long bytes, long refused,
                        Map<String, Long> refusalReasons, List<UnitCopier.Refusal> refusalExamples, String refusedFile) {

        public boolean mismatches() {
            return verification != null && verification.mismatches() > 0;
        }
    }

    private static final Object END = new Object();

    private final Migration migration;
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
    private UnitCheckpoint.Totals base = new UnitCheckpoint.Totals(0, 0, 0, 0);
    private volatile boolean progressPerBatch = true;
    /** When this run last saved its checkpoint (System.nanoTime), 0 before the first save. */
    private volatile long savedAt;
    /** Set when a checkpoint could not be written: the run stops, and the one saved before is left as it is. */
    private volatile boolean checkpointFailed;

    public CopyRun(Migration migration, ProgressListener progress) {
        this.migration = migration;
        this.copier = migration.copier();
        this.settings = migration.settings();
        this.progress = progress;
        this.refusals = new Refusals(settings.refusedFile());
    }

    /** Asks the run to wind down: in-flight batches finish, the checkpoint is saved, exit 130. */
    public void cancel(String reason) {
        cancelled.compareAndSet(null, reason);
    }

    /** The estimate for {@code --dry-run}; else copies everything, then verifies when the copy is complete. */
    public Result run() {
        if (migration.dryRun()) {
            return migration.estimate();
        }
        long started = System.nanoTime();
        Path file = settings.checkpointFile();
        UnitCopier.Checkpoints store = copier.checkpoints() != null ? copier.checkpoints() : new OwnCheckpoints();
        List<UnitCheckpoint.Unit> previous = settings.resume() ? load(store, file) : null;
        if (previous != null) {
            copier.resuming(previous);
        }
        List<CopyUnit> units = copier.units();
        Map<String, UnitCheckpoint.Unit> before = new LinkedHashMap<>();
        if (previous != null) {
            previous.forEach(u -> before.put(u.unit(), u));
        }
        List<UnitProgress> states = new ArrayList<>();
        for (CopyUnit u : units) {
            UnitCheckpoint.Unit was = before.get(u.name());
            states.add(new UnitProgress(u, was == null || was.token().isEmpty() ? null : was.token(), was != null && was.done(),
                    was == null ? 0 : was.written()));
        }
        progressPerBatch = !copier.reportsProgress(progress);
        progress.started("migrate", units.stream().mapToLong(CopyUnit::estimatedItems).sum());
        try {
            copyAll(states, store);
        } finally {
            progress.finished();
            refusals.close();
        }
        boolean complete = states.stream().allMatch(UnitProgress::done) && fatal.get() == null && cancelled.get() == null;
        if (complete) {
            CheckpointFiles.delete(file);
        } else {
            saveCheckpoint(store, states);
        }
        Verified verification = complete ? migration.verify(units) : null;
        double seconds = (System.nanoTime() - started) / 1e9;
        List<UnitResult> results = states.stream().map(st -> new UnitResult(st.unit, st.copied.get(), st.skipped.get(),
                st.failed.get(), st.done())).toList();
        boolean noCheckpoint = checkpointFailed && savedAt == 0 && previous == null;
        return migration.result(new Ended(fatal.get(), cancelled.get(), complete, previous != null, seconds,
                complete || noCheckpoint ? null : file, results, verification, List.copyOf(notes), scanned.sum(), copied.sum(), skipped.sum(),
                bytes.sum(), refusals.count(), refusals.reasons(), refusals.examples(), refusals.file()));
    }

    private List<UnitCheckpoint.Unit> load(UnitCopier.Checkpoints store, Path file) {
        if (!Files.isRegularFile(file)) {
            throw CachectlException.usage(noCheckpoint(file, store.elsewhere(file)));
        }
        return store.load(file);
    }

    /** The refusal of a --resume without a checkpoint; {@code elsewhere}: where one of a job like it is, or null. */
    public static String noCheckpoint(Path file, String elsewhere) {
        return "--resume: no checkpoint at " + file + (elsewhere == null ? " (nothing was interrupted, or it finished)" : "; " + elsewhere);
    }

    /** {@link UnitCheckpoint}: the orchestrator's own checkpoint format, with this run's totals added to the resumed ones. */
    private final class OwnCheckpoints implements UnitCopier.Checkpoints {
        @Override
        public List<UnitCheckpoint.Unit> load(Path file) {
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
            base = checkpoint.totals();
            return checkpoint.units();
        }

        @Override
        public void save(Path file, List<UnitCheckpoint.Unit> units) {
            UnitCheckpoint.of(settings.fingerprint(), settings.job(), units, totals()).write(file);
        }
    }

    private void copyAll(List<UnitProgress> states, UnitCopier.Checkpoints store) {
        int threads = settings.threads();
        BlockingQueue<Object> queue = new ArrayBlockingQueue<>(threads * 2);
        RateLimiter rate = RateLimiter.perSecond(settings.ratePerSecond());
        Map<String, List<UnitProgress>> groups = new LinkedHashMap<>();
        List<UnitProgress> alone = new ArrayList<>();
        for (UnitProgress s : states) {
            if (s.unit.group().isEmpty()) {
                alone.add(s);
            } else {
                groups.computeIfAbsent(s.unit.group(), g -> new ArrayList<>()).add(s);
            }
        }
        List<Thread> readers = new ArrayList<>();
        groups.forEach((group, members) -> {
            UnitCopier.GroupCopy job = copier.groupCopy(group, members.stream().map(m -> m.unit).toList());
            if (job == null) {
                alone.addAll(members);
            } else {
                readers.add(daemon("migrate-group-" + group, () -> copyGroup(job, members, queue, rate)));
            }
        });
        ConcurrentLinkedQueue<UnitProgress> todo = new ConcurrentLinkedQueue<>(alone.stream().filter(s -> !s.done()).toList());
        for (int i = 0; i < Math.max(1, Math.min(threads, todo.size())); i++) {
            readers.add(daemon("migrate-read-" + i, () -> read(todo, queue, rate)));
        }
        List<Thread> writers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            writers.add(daemon("migrate-write-" + i, () -> write(queue)));
        }
        long nextSave = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        join(readers, store, states, nextSave);
        for (int i = 0; i < threads; i++) {
            putUninterruptibly(queue, END);
        }
        join(writers, store, states, nextSave);
    }

    /** Waits for {@code threads}, saving the checkpoint every second meanwhile. */
    private void join(List<Thread> threads, UnitCopier.Checkpoints store, List<UnitProgress> states, long nextSave) {
        for (Thread t : threads) {
            while (t.isAlive()) {
                try {
                    t.join(200);
                } catch (InterruptedException e) {
                    cancel("interrupted");
                }
                if (System.nanoTime() >= nextSave) {
                    saveCheckpoint(store, states);
                    nextSave = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                }
            }
        }
    }

    private boolean stopping() {
        return cancelled.get() != null || fatal.get() != null;
    }

    /** Runs a group copy; when it falls back, reads the group's unfinished units one by one in this thread. */
    private void copyGroup(UnitCopier.GroupCopy job, List<UnitProgress> members, BlockingQueue<Object> queue, RateLimiter rate) {
        boolean fellBack = guarded(() -> {
            try {
                job.run(new Group(members, rate));
                return false;
            } catch (UnitCopier.Fallback e) {
                notes.add(e.getMessage());
                return true;
            }
        });
        if (fellBack) {
            read(new ConcurrentLinkedQueue<>(members.stream().filter(s -> !s.done()).toList()), queue, rate);
        }
    }

    private interface Step {
        boolean run() throws InterruptedException;
    }

    /** Runs {@code step}; what stops it stops the run: an error (fatal), an interrupt (cancelled). False when it threw. */
    private boolean guarded(Step step) {
        try {
            return step.run();
        } catch (UnitCopier.Stopped e) {
            // the run is stopping already, for the reason it has
        } catch (CachectlException e) {
            fatal.compareAndSet(null, e);
        } catch (InterruptedException e) {
            cancel("interrupted");
        } catch (RuntimeException | OutOfMemoryError e) {
            fatal.compareAndSet(null, unexpected(e));
        }
        return false;
    }

    private final class Group implements UnitCopier.GroupContext {
        private final Map<String, UnitProgress> members = new LinkedHashMap<>();
        private final RateLimiter rate;

        Group(List<UnitProgress> members, RateLimiter rate) {
            members.forEach(m -> this.members.put(m.unit.name(), m));
            this.rate = rate;
        }

        @Override
        public boolean stopping() {
            return CopyRun.this.stopping();
        }

        @Override
        public void finished(CopyUnit unit) {
            members.get(unit.name()).readAll();
        }

        @Override
        public void fail(CachectlException e) {
            fatal.compareAndSet(null, e);
        }

        @Override
        public void note(String note) {
            notes.add(note);
        }

        @Override
        public RateLimiter rate() {
            return rate;
        }

        @Override
        public ProgressListener progress() {
            return progress;
        }
    }

    private void read(ConcurrentLinkedQueue<UnitProgress> todo, BlockingQueue<Object> queue, RateLimiter rate) {
        UnitProgress unit;
        while (!stopping() && (unit = todo.poll()) != null) {
            UnitProgress current = unit;
            guarded(() -> readUnit(current, queue, rate));
        }
    }

    /**
     * Queues a unit's batches. Under {@code --rate} a batch (a whole SCAN page, say) goes in parts of a
     * tenth of a second's worth, each waiting its turn until the run stops: so a cancel or a lost server
     * ends the run within a part, not a page's worth of seconds, and what was not queued is not copied.
     */
    private boolean readUnit(UnitProgress unit, BlockingQueue<Object> queue, RateLimiter rate) throws InterruptedException {
        notes.addAll(copier.prepare(unit.unit));
        int paced = RateLimiter.paced(Integer.MAX_VALUE, settings.ratePerSecond());
        try (UnitCopier.Reader reader = copier.reader(unit.unit, unit.token())) {
            String before = unit.token();
            UnitCopier.Batch batch;
            while (!stopping() && (batch = reader.next()) != null) {
                if (batch.items().isEmpty()) {
                    unit.acknowledge(unit.issue(batch.lastToken()), 0); // the filters left nothing: the token moves on at once
                } else {
                    for (UnitCopier.Batch part : parts(batch, before, paced)) {
                        if (!rate.acquire(part.items().size(), this::stopping)) {
                            return true; // the rest stays unread: the token stays before it
                        }
                        long seq = unit.issue(part.lastToken());
                        scanned.add(part.items().size());
                        putUninterruptibly(queue, new Task(unit, seq, part));
                    }
                }
                before = batch.lastToken();
            }
            if (!stopping()) {
                unit.readAll();
            }
        }
        return true;
    }

    /**
     * {@code batch} in parts of at most {@code size} items; only the last carries the batch's token (the
     * others, {@code before}: the token before the batch), since a reader's token may only name where a
     * whole batch ends (a SCAN cursor after a page).
     */
    private static List<UnitCopier.Batch> parts(UnitCopier.Batch batch, String before, int size) {
        int n = batch.items().size();
        if (n <= size) {
            return List.of(batch);
        }
        List<UnitCopier.Batch> parts = new ArrayList<>();
        long bytesLeft = batch.bytes();
        for (int from = 0; from < n; from += size) {
            int to = Math.min(n, from + size);
            long bytes = to == n ? bytesLeft : batch.bytes() * (to - from) / n;
            bytesLeft -= bytes;
            parts.add(new UnitCopier.Batch(batch.unit(), batch.items().subList(from, to), bytes, to == n ? batch.lastToken() : before));
        }
        return parts;
    }

    /** A worker: whatever its writer throws, even on close, ends the run through {@link #guarded}, never this thread. */
    private void write(BlockingQueue<Object> queue) {
        guarded(() -> {
            try (UnitCopier.Writer writer = copier.writer(this::stopping)) {
                drain(queue, writer);
            }
            return true;
        });
    }

    private void drain(BlockingQueue<Object> queue, UnitCopier.Writer writer) throws InterruptedException {
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
                task.unit.acknowledge(task.seq, w.copied() + w.skippedExisting());
                if (progressPerBatch) {
                    progress.advanced(task.batch.items().size(), task.batch.bytes());
                }
            } catch (UnitCopier.Stopped e) {
                // given up part way for the run's own reason: not acknowledged, the checkpoint stays before this batch
            } catch (CachectlException e) {
                fatal.compareAndSet(null, e);
            } catch (RuntimeException | OutOfMemoryError e) {
                fatal.compareAndSet(null, unexpected(e));
            }
        }
    }

    private static CachectlException unexpected(Throwable e) {
        if (e instanceof OutOfMemoryError) {
            return new CachectlException(ExitCode.FAILED, "ran out of memory: lower --batch or --threads, or give the JVM more", e);
        }
        return new CachectlException(ExitCode.FAILED, "the copy stopped on an unexpected error (run with --verbose for "
                + "details); the checkpoint is saved, so --resume continues", e);
    }

    /**
     * Saves the checkpoint. One that cannot be written (a full disk) ends the run like a lost server: the
     * copy stops, the summary says how far it got, and the checkpoint saved before stays for --resume; no
     * later save is tried, so the summary names the checkpoint that is really on disk.
     */
    private synchronized void saveCheckpoint(UnitCopier.Checkpoints store, List<UnitProgress> states) {
        if (checkpointFailed) {
            return;
        }
        try {
            store.save(settings.checkpointFile(), states.stream().map(UnitProgress::checkpoint).toList());
            savedAt = System.nanoTime();
        } catch (CachectlException e) {
            checkpointFailed = true;
            CachectlException stop = new CachectlException(e.exitCode(), e.getMessage() + "; " + whatStays(), e.getCause());
            if (!fatal.compareAndSet(null, stop)) {
                notes.add(stop.getMessage());
            }
        }
    }

    /** After a failed checkpoint write: which checkpoint a --resume continues from. */
    private String whatStays() {
        if (savedAt != 0) {
            return String.format(java.util.Locale.ROOT, "the copy stopped, and the checkpoint saved %.1fs before stays: "
                    + "--resume continues from it", (System.nanoTime() - savedAt) / 1e9);
        }
        return settings.resume() ? "the copy stopped, and the checkpoint it resumed from stays: --resume continues from it"
                : "the copy stopped before its first checkpoint: run it again to start over";
    }

    private UnitCheckpoint.Totals totals() {
        return new UnitCheckpoint.Totals(base.copied() + copied.sum(), base.skippedExisting() + skipped.sum(),
                base.failed() + refusals.count(), base.bytes() + bytes.sum());
    }

    /**
     * The engine-neutral summary ({@link CopySummary}: one entry per unit, refusals listed) and exit code:
     * partial when the target refused items or verification found mismatches.
     */
    public static Result neutralResult(Settings settings, Ended e) {
        // no cause recorded, yet items were left unread: never report that as done
        RunEnding end = RunEnding.of(e.fatal(), e.cancelled(), e.complete(), e.refused() > 0 || e.mismatches(),
                "the copy stopped before the end for an unknown reason; the checkpoint is saved, so --resume finishes the job");
        List<CopySummary.Collection> collections = e.units().stream().map(u -> new CopySummary.Collection(u.unit().name(),
                u.unit().targetName(), u.unit().estimatedItems(), u.unit().estimatedBytes(), u.copied(), u.skippedExisting(),
                u.failed(), u.done())).toList();
        double seconds = e.seconds();
        CopySummary summary = new CopySummary(settings.engine(), settings.source(), settings.target(), end.outcome(), false,
                e.resumed(), e.scanned(), e.copied(), e.skippedExisting(), e.refused(), e.refusalReasons(), e.refusalExamples(),
                e.refusedFile(), e.bytes(), seconds, seconds > 0 ? (e.copied() + e.skippedExisting()) / seconds : 0, null, null,
                collections, e.checkpoint() == null ? null : e.checkpoint().toString(), end.because(), e.notes(),
                (CopySummary.Verification) e.verification());
        return new Result(summary, end.exit(), e.fatal());
    }

    private record Task(UnitProgress unit, long seq, UnitCopier.Batch batch) {
    }
}
