package dev.cachectl.migrate;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.batch.RateLimiter;
import dev.cachectl.progress.ProgressListener;
import dev.cachectl.redis.RedisClients;
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
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
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

    private final Path checkpointDir;
    private final AtomicReference<String> cancelled = new AtomicReference<>();
    private final AtomicReference<CachectlException> fatal = new AtomicReference<>();

    public Migrator(Path checkpointDir) {
        this.checkpointDir = checkpointDir;
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
        try (Target target = Target.open(plan.target())) {
            Checkpoint previous = loadCheckpoint(plan, checkpointFile);
            List<StreamProgress> streams = streams(plan, nodes, previous);
            checkTarget(plan, target, streams);
            if (plan.batch().dryRun()) {
                return new Result(DryRun.estimate(plan, streams, started), ExitCode.DONE);
            }
            Counters counters = new Counters();
            progress.started("migrate", totalKeys(streams));
            try {
                copyAll(plan, target, streams, counters, progress, checkpointFile, previous);
            } finally {
                progress.finished();
            }
            boolean complete = streams.stream().allMatch(StreamProgress::done) && fatal.get() == null && cancelled.get() == null;
            Counters.Snapshot base = previous == null ? Counters.Snapshot.zero() : previous.totals();
            if (complete) {
                Checkpoint.delete(checkpointFile);
            } else {
                new Checkpoint(fingerprint(plan), checkpoints(streams), counters.snapshot(base)).write(checkpointFile);
            }
            MigrationSummary.Verification verification = complete && plan.verify() != MigrationPlan.Verify.none
                    ? new Verifier(plan, streams, target, checkpointDir).verify() : null;
            return result(plan, counters, previous != null, complete, checkpointFile, verification, started);
        }
    }

    private void copyAll(MigrationPlan plan, Target target, List<StreamProgress> streams, Counters counters,
                         ProgressListener progress, Path checkpointFile, Checkpoint previous) {
        BlockingQueue<Unit> queue = new ArrayBlockingQueue<>(plan.batch().threads() * 2);
        RateLimiter rate = RateLimiter.perSecond(plan.batch().ratePerSecond());
        Map<String, List<StreamProgress>> byNode = new TreeMap<>();
        streams.forEach(s -> byNode.computeIfAbsent(s.node.address(), a -> new ArrayList<>()).add(s));
        List<Thread> scanners = new ArrayList<>();
        for (List<StreamProgress> nodeStreams : byNode.values()) {
            Scanner scanner = new Scanner(nodeStreams, plan.selection(), plan.scanCount(), plan.batch().batch(), queue,
                    this::stopping, counters);
            scanners.add(start("cachectl-scan-" + nodeStreams.get(0).node.address(), () -> scanner.run()));
        }
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < plan.batch().threads(); i++) {
            workers.add(start("cachectl-copy-" + i, () -> work(plan, target, queue, scanners, counters, rate, progress)));
        }
        Counters.Snapshot base = previous == null ? Counters.Snapshot.zero() : previous.totals();
        String fingerprint = fingerprint(plan);
        while (workers.stream().anyMatch(Thread::isAlive)) {
            join(workers, CHECKPOINT_EVERY);
            new Checkpoint(fingerprint, checkpoints(streams), counters.snapshot(base)).write(checkpointFile);
        }
        join(scanners, Duration.ofSeconds(30));
    }

    private void work(MigrationPlan plan, Target target, BlockingQueue<Unit> queue, List<Thread> scanners,
                      Counters counters, RateLimiter rate, ProgressListener progress) throws InterruptedException {
        try (CopyWorker worker = new CopyWorker(plan, target, counters, rate, progress)) {
            while (!stopping()) {
                Unit unit = queue.poll(50, TimeUnit.MILLISECONDS);
                if (unit != null) {
                    worker.copy(unit);
                } else if (scanners.stream().noneMatch(Thread::isAlive) && queue.isEmpty()) {
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
                fatal.compareAndSet(null, new CachectlException(ExitCode.DOWN, String.valueOf(e.getMessage()), e));
            } catch (InterruptedException e) {
                cancel("interrupted");
            } catch (RuntimeException e) {
                fatal.compareAndSet(null, new CachectlException(ExitCode.FAILED, e.toString(), e));
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
            throw CachectlException.usage("--resume: checkpoint " + file + " belongs to a different migration "
                    + "(source, target or filters differ)");
        }
        return checkpoint;
    }

    private static List<StreamProgress> streams(MigrationPlan plan, List<SourceNode> nodes, Checkpoint previous) {
        List<StreamProgress> streams = new ArrayList<>();
        for (SourceNode node : nodes) {
            String runId;
            List<Integer> dbs;
            try (Jedis jedis = RedisClients.open(node.endpoint(), Duration.ofSeconds(5))) {
                runId = infoField(jedis.info("server"), "run_id");
                dbs = plan.source().cluster() ? List.of(0) : plan.sourceDbs().isEmpty() ? nonEmptyDbs(jedis.info("keyspace")) : plan.sourceDbs();
            } catch (JedisException e) {
                throw RedisClients.translate(node.endpoint(), e);
            }
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
                streams.add(new StreamProgress(node, db, runId, saved == null ? "0" : saved.cursor(), saved != null && saved.done()));
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

    private static long totalKeys(List<StreamProgress> streams) {
        long total = 0;
        for (StreamProgress s : streams) {
            try (Jedis jedis = RedisClients.open(s.node.endpoint().withDb(s.db), Duration.ofSeconds(5))) {
                total += jedis.dbSize();
            } catch (JedisException | CachectlException e) {
                return -1;
            }
        }
        return total;
    }

    static List<Integer> nonEmptyDbs(String keyspace) {
        List<Integer> dbs = new ArrayList<>();
        for (String line : keyspace.split("\r?\n")) {
            if (line.startsWith("db") && line.contains(":keys=")) {
                dbs.add(Integer.parseInt(line.substring(2, line.indexOf(':'))));
            }
        }
        return dbs;
    }

    static String infoField(String info, String field) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1).trim();
            }
        }
        return "";
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
        String outcome;
        ExitCode exit;
        String because = null;
        if (fatal.get() != null) {
            outcome = "aborted";
            exit = fatal.get().exitCode();
            because = fatal.get().getMessage();
        } else if (cancelled.get() != null) {
            outcome = "interrupted";
            exit = ExitCode.INTERRUPTED;
            because = cancelled.get();
        } else {
            outcome = "completed";
            boolean mismatches = verification != null && verification.mismatches() > 0;
            exit = c.failed.sum() > 0 || mismatches ? ExitCode.PARTIAL : ExitCode.DONE;
        }
        Map<String, Long> notCarried = new TreeMap<>();
        c.notCarried.forEach((k, v) -> notCarried.put(k, v.get()));
        MigrationSummary summary = new MigrationSummary(plan.source().toString(), plan.target().toString(), outcome,
                false, resumed, c.scanned.sum(), copied, c.skippedExisting.sum(), c.expired.sum(), c.failed.sum(),
                c.failureReasons(), c.typeCopies.sum(), c.bigKeys.sum(), notCarried, c.deletedFromSource.sum(),
                c.bytes.sum(), round(seconds), round(copied / Math.max(seconds, 1e-3)), null, null,
                complete ? null : checkpointFile.toString(), because, verification);
        return new Result(summary, exit);
    }

    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
