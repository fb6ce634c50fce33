package dev.cachectl.redis.copy;

import dev.cachectl.migrate.KeySelection;
import dev.cachectl.migrate.MigrationPlan;
import dev.cachectl.migrate.MigrationSummary;
import dev.cachectl.migrate.RunEnding;
import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.batch.RateLimiter;
import dev.cachectl.progress.ProgressListener;
import dev.cachectl.engine.ServerSample;
import dev.cachectl.redis.ConnectionLoss;
import dev.cachectl.redis.OwnReads;
import dev.cachectl.redis.RedisClients;
import dev.cachectl.redis.RedisInfo;
import dev.cachectl.redis.ReplicaSync;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a {@link MigrationPlan}: one scanner thread per source node feeding a bounded queue,
 * {@code --threads} copy workers, a checkpoint written every second (the SCAN cursor before which
 * every key is acknowledged, per node and db), and a clean stop on cancel or on a fatal error:
 * in-flight units finish, the checkpoint is saved, and the summary says how far it got.
 */
public final class Migrator {
    private static final Duration CHECKPOINT_EVERY = Duration.ofSeconds(1);
    /** Below this many keys on a node SCAN is about as fast as a snapshot, and spares the source a fork. */
    static final long SNAPSHOT_MIN_KEYS = 50_000;
    /** Roughly what the SCAN path copies per second from one node: a diskless delay is worth this many keys. */
    private static final long SCAN_KEYS_PER_SECOND = 150_000;

    private final Path checkpointDir;
    private final AtomicReference<String> cancelled = new AtomicReference<>();
    private final AtomicReference<CachectlException> fatal = new AtomicReference<>();
    /** How each source node was read: scan or sync. */
    private final Map<String, String> readBy = new ConcurrentHashMap<>();
    private final List<String> notes = new CopyOnWriteArrayList<>();

    /** The live follows of this run ({@code --live}), by source node. */
    private final LiveFollow.Totals live = new LiveFollow.Totals();

    private final OwnReads ownReads;
    /** Per source node, the {hits, misses} of this run already added to {@link #ownReads}. */
    private final Map<String, long[]> ownReadsRecorded = new ConcurrentHashMap<>();

    public Migrator(Path checkpointDir, OwnReads ownReads) {
        this.checkpointDir = checkpointDir;
        this.ownReads = ownReads;
    }

    /** What the command needs to print and exit with. */
    public record Result(MigrationSummary summary, ExitCode exitCode) {
    }

    /** Asks a running migration to stop after its in-flight batches (Ctrl-C, SIGTERM). */
    public void cancel(String why) {
        cancelled.compareAndSet(null, why);
    }

    public Path checkpointFile(MigrationPlan plan) {
        return plan.checkpoint() != null ? plan.checkpoint() : checkpointDir.resolve("migrate-" + fingerprint(plan).substring(0, 16) + ".json");
    }

    public Result run(MigrationPlan plan, ProgressListener progress) {
        long started = System.nanoTime();
        Path checkpointFile = checkpointFile(plan);
        if (!plan.source().cluster() && !plan.target().cluster() && plan.dbMap().isEmpty()
                && plan.selection().fromPrefix() == null
                && plan.source().host().equals(plan.target().host()) && plan.source().port() == plan.target().port()) {
            throw CachectlException.usage("source and target are the same server (" + plan.source()
                    + "): map dbs with --db-map or rename with --rename-prefix, or pick another target");
        }
        List<SourceNode> nodes = Topology.sourceNodes(plan.source());
        if (plan.live() != null) {
            LiveFollow.refuseOwnReplica(plan, nodes);
        }
        try (Target target = Target.open(plan.target())) {
            Checkpoint previous = loadCheckpoint(plan, checkpointFile);
            List<StreamProgress> streams = streams(plan, nodes, previous);
            checkTarget(plan, target, streams);
            if (plan.batch().dryRun()) {
                MigrationSummary estimate = DryRun.estimate(plan, streams, snapshotDelays(plan, streams), started,
                        previous == null ? List.of() : DryRun.resumePlan(streams, previous, checkpointFile));
                return new Result(estimate, ExitCode.DONE);
            }
            Counters counters = new Counters();
            progress.started("migrate", streams.stream().mapToLong(st -> st.keys).sum());
            try {
                copyAll(plan, target, streams, counters, progress, checkpointFile, previous);
            } finally {
                progress.finished();
                recordOwnReads(streams, counters);
            }
            boolean complete = streams.stream().allMatch(StreamProgress::done) && fatal.get() == null && cancelled.get() == null;
            Counters.Snapshot base = previous == null ? Counters.Snapshot.zero() : previous.totals();
            if (complete) {
                Checkpoint.delete(checkpointFile);
            } else {
                Checkpoint.of(fingerprint(plan), Checkpoint.Job.of(plan), checkpoints(streams), livePositions(previous),
                        counters.snapshot(base)).write(checkpointFile);
            }
            MigrationSummary.Verification verification;
            try {
                if (complete) {
                    live.follows.values().forEach(LiveFollow::removeMarkers);
                }
                // a cutover verifies while the source's writes are paused, so both sides hold still
                MigrationPlan.Verify verify = plan.live() != null && plan.live().cutover() && plan.verify() == MigrationPlan.Verify.none
                        ? MigrationPlan.Verify.quick : plan.verify();
                verification = complete && verify != MigrationPlan.Verify.none
                        ? new Verifier(plan.withVerify(verify), streams, target, checkpointDir).verify() : null;
            } finally {
                live.follows.values().forEach(LiveFollow::unpause);
            }
            return result(plan, counters, previous != null, complete, checkpointFile, verification, started);
        }
    }

    private void copyAll(MigrationPlan plan, Target target, List<StreamProgress> streams, Counters counters,
                         ProgressListener progress, Path checkpointFile, Checkpoint previous) {
        Map<String, Long> snapshots = snapshotDelays(plan, streams);
        BlockingQueue<Unit> queue = new ArrayBlockingQueue<>(plan.batch().threads() * 2);
        RateLimiter rate = RateLimiter.perSecond(plan.batch().ratePerSecond());
        List<Thread> producers = new ArrayList<>();
        for (List<StreamProgress> nodeStreams : byNode(streams).values()) {
            String address = nodeStreams.get(0).node.address();
            Scanner scanner = new Scanner(nodeStreams, plan.selection(), plan.scanCount(), plan.batch().batch(), queue,
                    this::stopping, counters);
            if (!snapshots.containsKey(address)) {
                readBy.put(address, "scan");
                producers.add(start("cachectl-scan-" + address, scanner::run));
                continue;
            }
            SnapshotCopy snapshot = new SnapshotCopy(plan, target, nodeStreams, counters, rate, progress, this::stopping,
                    e -> fatal.compareAndSet(null, e));
            if (plan.live() != null) {
                LiveFollow.Resume from = LiveFollow.resumePosition(plan, target, address, previous == null ? null
                        : previous.live().stream().filter(l -> l.node().equals(address)).findFirst().orElse(null));
                LiveFollow follow = new LiveFollow(plan, target, nodeStreams.get(0).node, counters, live, progress,
                        this::stopping);
                if (from != null) {
                    follow.holding(from.held());
                }
                snapshot.following(follow, from == null ? null : from.from(), notes::add);
            }
            producers.add(start("cachectl-sync-" + address, () -> {
                try {
                    readBy.put(address, "sync");
                    snapshot.run();
                } catch (ReplicaSync.Refused | SnapshotCopy.Unreadable e) {
                    if (plan.reader() == MigrationPlan.Reader.sync || stopping()) {
                        throw e;
                    }
                    // what the snapshot wrote stays; SCAN goes over the node again (replacing, or skipping, those keys)
                    String why = e instanceof SnapshotCopy.Unreadable unreadable ? unreadable.reason() : e.getMessage();
                    notes.add(why + "; read with SCAN instead");
                    readBy.put(address, "scan");
                    scanner.run();
                }
            }));
        }
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < plan.batch().threads(); i++) {
            workers.add(start("cachectl-copy-" + i, () -> work(plan, target, queue, producers, counters, rate, progress)));
        }
        Counters.Snapshot base = previous == null ? Counters.Snapshot.zero() : previous.totals();
        String fingerprint = fingerprint(plan);
        Checkpoint.Job job = Checkpoint.Job.of(plan);
        List<Thread> all = new ArrayList<>(producers);
        all.addAll(workers);
        // while it runs; once it ends, the caller deletes the checkpoint or writes the final one
        while (true) {
            join(all, CHECKPOINT_EVERY);
            if (all.stream().noneMatch(Thread::isAlive)) {
                break;
            }
            Checkpoint.of(fingerprint, job, checkpoints(streams), livePositions(previous), counters.snapshot(base))
                    .write(checkpointFile);
            recordOwnReads(streams, counters);
        }
    }

    /**
     * What this run's reads did to each source's keyspace hits and misses since they were last recorded,
     * for status and the warm gate to discount: every second while it runs (so a run killed part way has
     * recorded nearly all of it, and status --interval sees it as it goes), and once at the end.
     */
    private void recordOwnReads(List<StreamProgress> streams, Counters counters) {
        counters.ownReads.forEach((node, hm) -> streams.stream().filter(s -> s.node.address().equals(node)).findFirst()
                .ifPresent(s -> {
                    long[] now = {hm[0].sum(), hm[1].sum()};
                    long[] before = ownReadsRecorded.getOrDefault(node, new long[2]);
                    ownReads.add(node, s.runId, now[0] - before[0], now[1] - before[1]);
                    ownReadsRecorded.put(node, now);
                }));
    }

    /** The nodes a copy reads from a snapshot, with the seconds each source waits before it sends one. */
    private static Map<String, Long> snapshotDelays(MigrationPlan plan, List<StreamProgress> streams) {
        Map<String, Long> delays = new TreeMap<>();
        for (List<StreamProgress> nodeStreams : byNode(streams).values()) {
            snapshotDelay(plan, nodeStreams).ifPresent(delay -> delays.put(nodeStreams.get(0).node.address(), delay));
        }
        return delays;
    }

    private static Map<String, List<StreamProgress>> byNode(List<StreamProgress> streams) {
        Map<String, List<StreamProgress>> byNode = new TreeMap<>();
        streams.forEach(s -> byNode.computeIfAbsent(s.node.address(), a -> new ArrayList<>()).add(s));
        return byNode;
    }

    /**
     * A snapshot costs the source a fork and sends every key of every db, and a server that streams
     * it diskless first waits {@code repl-diskless-sync-delay} for more replicas; SCAN costs a round
     * trip per page and DUMP per key. With {@code --reader auto} a node is read from a snapshot once
     * its keyspace is big enough to repay that; a SCAN already under way (a resume) goes on by SCAN.
     * Empty when the node is read by SCAN, else the seconds its source waits before sending a snapshot.
     */
    private static OptionalLong snapshotDelay(MigrationPlan plan, List<StreamProgress> nodeStreams) {
        if (plan.reader() == MigrationPlan.Reader.scan) {
            return OptionalLong.empty();
        }
        boolean auto = plan.reader() == MigrationPlan.Reader.auto;
        if (auto && (plan.deleteSource() || plan.mode() == MigrationPlan.Mode.struct
                || nodeStreams.stream().anyMatch(s -> !s.done() && !s.startCursor().equals("0")))) {
            return OptionalLong.empty();
        }
        long delaySeconds = disklessDelaySeconds(nodeStreams.get(0).node);
        long keys = nodeStreams.stream().mapToLong(s -> s.keys).sum();
        if (auto && keys < Math.max(SNAPSHOT_MIN_KEYS, delaySeconds * SCAN_KEYS_PER_SECOND)) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(delaySeconds);
    }

    /** The wait before a diskless snapshot starts; 0 when it is written to disk first, or when CONFIG is not allowed. */
    private static long disklessDelaySeconds(SourceNode node) {
        try (Jedis jedis = RedisClients.open(node.endpoint(), Duration.ofSeconds(5))) {
            Map<String, String> config = jedis.configGet("repl-diskless-sync*");
            if (!"yes".equals(config.get("repl-diskless-sync"))) {
                return 0;
            }
            return Long.parseLong(config.getOrDefault("repl-diskless-sync-delay", "0"));
        } catch (JedisException | NumberFormatException e) {
            return 0;
        }
    }

    private void work(MigrationPlan plan, Target target, BlockingQueue<Unit> queue, List<Thread> producers,
                      Counters counters, RateLimiter rate, ProgressListener progress) throws InterruptedException {
        try (CopyWorker worker = new CopyWorker(plan, target, counters, rate, progress)) {
            while (!stopping()) {
                Unit unit = queue.poll(50, TimeUnit.MILLISECONDS);
                if (unit != null) {
                    worker.copy(unit);
                } else if (producers.stream().noneMatch(Thread::isAlive) && queue.isEmpty()) {
                    return;
                }
            }
        }
    }

    private boolean stopping() {
        return cancelled.get() != null || fatal.get() != null;
    }

    private interface Task {
        void run() throws InterruptedException;
    }

    private Thread start(String name, Task task) {
        Thread thread = new Thread(() -> {
            try {
                task.run();
            } catch (CachectlException e) {
                fatal.compareAndSet(null, e);
            } catch (JedisException e) {
                // the paths that know which server failed say so; this is the net under them
                fatal.compareAndSet(null, new CachectlException(ExitCode.DOWN, "lost a connection during the copy: "
                        + ConnectionLoss.what(e), e));
            } catch (InterruptedException e) {
                cancel("interrupted");
            } catch (RuntimeException e) {
                fatal.compareAndSet(null, new CachectlException(ExitCode.FAILED, "the copy stopped on an unexpected error "
                        + "(a bug: please report it with --verbose)", e));
            } catch (OutOfMemoryError e) {
                fatal.compareAndSet(null, new CachectlException(ExitCode.FAILED, "ran out of memory: lower --batch or "
                        + "--big-key-size, or give the JVM more heap (CACHECTL_JAVA_OPTS=-Xmx1g)", e));
            } catch (Error e) {
                fatal.compareAndSet(null, new CachectlException(ExitCode.FAILED, "the copy stopped on an internal error "
                        + "(run with --verbose for details)", e));
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void join(List<Thread> threads, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        for (Thread t : threads) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                t.join(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private Checkpoint loadCheckpoint(MigrationPlan plan, Path file) {
        if (!plan.resume()) {
            return null;
        }
        if (!Files.isRegularFile(file)) {
            throw CachectlException.usage("--resume: no checkpoint at " + file + " (nothing was interrupted, or it finished)");
        }
        Checkpoint checkpoint = Checkpoint.read(file);
        if (!checkpoint.plan().equals(fingerprint(plan))) {
            List<String> differences = checkpoint.job().differences(Checkpoint.Job.of(plan));
            throw CachectlException.usage("--resume: checkpoint " + file + " belongs to another migration ("
                    + (differences.isEmpty() ? "source, target or filters differ" : String.join("; ", differences))
                    + "); run without --resume to start this one, or resume that one with its own options");
        }
        return checkpoint;
    }

    private static List<StreamProgress> streams(MigrationPlan plan, List<SourceNode> nodes, Checkpoint previous) {
        List<StreamProgress> streams = new ArrayList<>();
        for (SourceNode node : nodes) {
            String runId;
            Map<String, ServerSample.DbKeys> keyspace;
            try (Jedis jedis = RedisClients.open(node.endpoint(), Duration.ofSeconds(5))) {
                runId = String.valueOf(RedisInfo.parse(jedis.info("server")).get("run_id"));
                keyspace = RedisInfo.parse(jedis.info("keyspace")).keyspace();
            } catch (JedisException e) {
                // the first commands on a new connection: a TLS or protocol mismatch shows here, with its hint
                throw RedisClients.translate(node.endpoint(), e);
            }
            List<Integer> dbs = plan.source().cluster() ? List.of(0) : plan.sourceDbs().isEmpty()
                    ? keyspace.keySet().stream().map(db -> Integer.parseInt(db.substring(2))).toList() : plan.sourceDbs();
            if (previous != null) {
                // a db the checkpoint knows must be checked even if it is empty now (the source may have restarted empty)
                java.util.TreeSet<Integer> all = new java.util.TreeSet<>(dbs);
                previous.streams().stream().filter(s -> s.node().equals(node.address())).forEach(s -> all.add(s.db()));
                dbs = List.copyOf(all);
            }
            for (int db : dbs) {
                Checkpoint.Stream saved = previous == null ? null : previous.streams().stream()
                        .filter(s -> s.node().equals(node.address()) && s.db() == db).findFirst().orElse(null);
                if (saved != null && !saved.runId().equals(runId)) {
                    throw CachectlException.usage("--resume refused: source " + node.address()
                            + " restarted since the checkpoint (its run id changed), so its keyspace may have moved; "
                            + "run without --resume to copy again (--replace makes that safe)");
                }
                ServerSample.DbKeys keys = keyspace.get("db" + db);
                streams.add(new StreamProgress(node, db, runId, keys == null ? 0 : keys.keys(),
                        saved == null ? "0" : saved.cursor(), saved != null && saved.done()));
            }
        }
        return streams;
    }

    private static void checkTarget(MigrationPlan plan, Target target, List<StreamProgress> streams) {
        for (StreamProgress s : streams) {
            int targetDb = plan.targetDb(s.db);
            if (target.cluster() && targetDb != 0) {
                throw CachectlException.usage("the target is a Redis Cluster, which has only db 0: source db " + s.db
                        + " needs --db-map " + s.db + ":0 (or pick dbs with --db)");
            }
            if (!plan.source().cluster() && !target.cluster() && sameServer(plan, s.node) && s.db == targetDb
                    && plan.selection().fromPrefix() == null) {
                throw CachectlException.usage("source and target are the same server and db (" + s.node.address()
                        + " db " + s.db + "): nothing to copy");
            }
        }
    }

    private static boolean sameServer(MigrationPlan plan, SourceNode node) {
        return node.address().equals(plan.target().host() + ":" + plan.target().port());
    }

    /** Each node's live position: where its follow stands now, or where the resumed checkpoint left it. */
    private List<Checkpoint.Live> livePositions(Checkpoint previous) {
        Map<String, Checkpoint.Live> positions = new TreeMap<>();
        if (previous != null) {
            previous.live().forEach(l -> positions.put(l.node(), l));
        }
        live.follows.values().forEach(f -> {
            LiveFollow.Position p = f.position();
            if (p != null) {
                positions.put(p.node(), new Checkpoint.Live(p.node(), p.replicationId(), p.offset(), p.db()));
            }
        });
        return List.copyOf(positions.values());
    }

    private static List<Checkpoint.Stream> checkpoints(List<StreamProgress> streams) {
        return streams.stream().map(StreamProgress::checkpoint).toList();
    }

    /** Identifies the job: the same source, target, dbs and filters give the same fingerprint. */
    static String fingerprint(MigrationPlan plan) {
        KeySelection sel = plan.selection();
        String text = String.join("\n", plan.source().toString(), plan.target().toString(),
                String.valueOf(plan.sourceDbs()), String.valueOf(new TreeMap<>(plan.dbMap())), String.valueOf(sel.match()),
                String.valueOf(sel.exclude()), String.valueOf(new java.util.TreeSet<>(sel.types())),
                sel.fromPrefix() == null ? "" : new String(sel.fromPrefix(), StandardCharsets.UTF_8) + "->"
                        + new String(sel.toPrefix(), StandardCharsets.UTF_8));
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Result result(MigrationPlan plan, Counters c, boolean resumed, boolean complete, Path checkpointFile,
                          MigrationSummary.Verification verification, long startedNanos) {
        double seconds = (System.nanoTime() - startedNanos) / 1e9;
        long copied = c.copied.sum();
        boolean mismatches = verification != null && verification.mismatches() > 0;
        // no cause recorded, yet keys were left unread: never report that as done
        RunEnding end = RunEnding.of(fatal.get(), cancelled.get(), complete, c.failed.sum() > 0 || mismatches,
                "the copy stopped before every key was read, with no cause recorded (a bug: please report it "
                        + "with --verbose); the checkpoint is saved, so --resume finishes the job");
        Map<String, Long> notCarried = new TreeMap<>();
        c.notCarried.forEach((k, v) -> notCarried.put(k, v.get()));
        java.util.Set<String> readers = new java.util.TreeSet<>(readBy.values());
        String reader = readers.isEmpty() ? "scan" : String.join("+", readers);
        MigrationSummary summary = new MigrationSummary(plan.source().toString(), plan.target().toString(), end.outcome(),
                false, resumed, reader, c.scanned.sum(), copied, c.skippedExisting.sum(), c.expired.sum(), c.failed.sum(),
                c.failureReasons(), c.typeCopies.sum(), c.bigKeys.sum(), notCarried, c.deletedFromSource.sum(),
                c.bytes.sum(), round(seconds), round(copied / Math.max(seconds, 1e-3)), null, null,
                complete ? null : checkpointFile.toString(), end.because(), List.copyOf(notes), verification, liveSummary(plan));
        return new Result(summary, end.exit());
    }

    private MigrationSummary.Live liveSummary(MigrationPlan plan) {
        if (plan.live() == null) {
            return null;
        }
        List<LiveFollow> follows = List.copyOf(live.follows.values());
        long appliedOffset = follows.stream().mapToLong(LiveFollow::appliedOffset).sum();
        long sourceOffset = follows.stream().mapToLong(LiveFollow::sourceOffset).sum();
        long lag = follows.stream().mapToLong(LiveFollow::lagBytes).sum();
        double lagSeconds = follows.stream().mapToDouble(LiveFollow::lagSeconds).max().orElse(0);
        boolean caughtUp = !follows.isEmpty() && follows.stream().allMatch(LiveFollow::caughtUp);
        java.util.Set<String> ends = new java.util.TreeSet<>();
        follows.forEach(f -> ends.add(f.ended()));
        return new MigrationSummary.Live(live.applied.sum(), live.failed.sum(), live.notCarried.sum(),
                live.transactions.sum(), appliedOffset, sourceOffset, lag, round(lagSeconds), caughtUp,
                ends.isEmpty() ? "not-started" : String.join("+", ends), plan.live().cutover(),
                round(follows.stream().mapToDouble(LiveFollow::pausedSeconds).max().orElse(0)),
                follows.stream().anyMatch(LiveFollow::resumedStream));
    }

    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
