package dev.cachectl.redis.copy;

import dev.cachectl.util.Hashes;
import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.engine.ServerSample;
import dev.cachectl.migrate.CopyRun;
import dev.cachectl.migrate.CopyUnit;
import dev.cachectl.migrate.KeySelection;
import dev.cachectl.migrate.Migration;
import dev.cachectl.migrate.MigrationPlan;
import dev.cachectl.migrate.MigrationSummary;
import dev.cachectl.migrate.RunEnding;
import dev.cachectl.migrate.UnitCheckpoint;
import dev.cachectl.migrate.UnitCopier;
import dev.cachectl.migrate.Verified;
import dev.cachectl.progress.ProgressListener;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * The Redis engine's migrate, run by the orchestrator ({@link CopyRun}): its units are (source node, db)
 * streams whose resume token is the SCAN cursor; a node with a big enough keyspace is copied whole from
 * a replication snapshot ({@link SnapshotCopy}, with the {@code --live} follow after it), falling back
 * to SCAN when the source refuses one or sends one it cannot read; workers copy keys with
 * {@link CopyWorker}. The checkpoint keeps its own format ({@link Checkpoint}: cursors per node and db,
 * the node's run id, live positions and the counts), so a checkpoint of an earlier version resumes.
 */
public final class RedisMigration implements Migration, UnitCopier, UnitCopier.Checkpoints {
    /** Below this many keys on a node SCAN is about as fast as a snapshot, and spares the source a fork. */
    static final long SNAPSHOT_MIN_KEYS = 50_000;
    /** Roughly what the SCAN path copies per second from one node: a diskless delay is worth this many keys. */
    private static final long SCAN_KEYS_PER_SECOND = 150_000;

    private final MigrationPlan plan;
    private final Path checkpointDir;
    private final Path checkpointFile;
    private final String fingerprint;
    private final Checkpoint.Job job;
    private final List<SourceNode> nodes;
    private final Target target;
    private final Counters counters = new Counters();
    /** How each source node was read: scan or sync. */
    private final Map<String, String> readBy = new ConcurrentHashMap<>();
    /** The live follows of this run ({@code --live}), by source node. */
    private final LiveFollow.Totals live = new LiveFollow.Totals();
    private final OwnReads ownReads;
    /** Per source node, the {hits, misses} of this run already added to {@link #ownReads}. */
    private final Map<String, long[]> ownReadsRecorded = new ConcurrentHashMap<>();
    private final long started = System.nanoTime();
    private ProgressListener progress = ProgressListener.none();
    private Checkpoint previous;
    private List<StreamProgress> streams;
    /** The run id of each server written to, by address, as this run found them: what its checkpoint records. */
    private Map<String, String> targetRunIds = Map.of();
    /** The target's expired_keys before this run wrote to it: what it reclaimed since lowers its key count. */
    private long targetExpiredBefore;
    private final Map<String, StreamProgress> byName = new LinkedHashMap<>();

    private RedisMigration(MigrationPlan plan, Path home, List<SourceNode> nodes, Target target) {
        this.plan = plan;
        this.checkpointDir = home.resolve("migrate");
        this.ownReads = new OwnReads(home);
        this.nodes = nodes;
        this.target = target;
        this.fingerprint = fingerprint(plan);
        this.job = Checkpoint.Job.of(plan);
        this.checkpointFile = checkpointFile(plan, home);
    }

    /** The job's checkpoint: {@code --checkpoint}, or one named by the job's fingerprint under {@code HOME/migrate}. */
    static Path checkpointFile(MigrationPlan plan, Path home) {
        return plan.checkpoint() != null ? plan.checkpoint()
                : home.resolve("migrate").resolve("migrate-" + fingerprint(plan).substring(0, 16) + ".json");
    }

    /** Checks the plan against the source's topology and opens the target; {@code home}: the cachectl home. */
    public static RedisMigration open(MigrationPlan plan, Path home) {
        refuseClusterSourceDbs(plan);
        if (!plan.source().cluster() && !plan.target().cluster() && plan.dbMap().isEmpty()
                && plan.selection().fromPrefix() == null
                && plan.source().host().equals(plan.target().host()) && plan.source().port() == plan.target().port()) {
            throw CachectlException.usage("source and target are the same server (" + plan.source()
                    + "): map dbs with --db-map or rename with --rename-prefix, or pick another target");
        }
        List<SourceNode> nodes = Topology.sourceNodes(plan.source(), plan.timeouts().quick());
        if (plan.live() != null) {
            LiveFollow.refuseOwnReplica(plan, nodes);
        }
        return new RedisMigration(plan, home, nodes, Target.open(plan.target(), plan.timeouts()));
    }

    // --- Migration

    @Override
    public UnitCopier copier() {
        return this;
    }

    @Override
    public CopyRun.Settings settings() {
        return new CopyRun.Settings("redis", plan.source().toString(), plan.target().toString(), plan.batch().threads(),
                plan.batch().ratePerSecond(), checkpointFile, plan.resume(), fingerprint, List.of(job.toString()),
                checkpointDir.resolve("refused-" + fingerprint.substring(0, 16) + ".txt"));
    }

    @Override
    public boolean dryRun() {
        return plan.batch().dryRun();
    }

    @Override
    public CopyRun.Result estimate() {
        Checkpoint resumed = plan.resume() ? loadCheckpoint(checkpointFile) : null;
        previous = resumed;
        List<StreamProgress> all = streams();
        MigrationSummary estimate = DryRun.estimate(plan, all, snapshotDelays(plan, all), started,
                resumed == null ? List.of() : DryRun.resumePlan(all, resumed, checkpointFile));
        return new CopyRun.Result(estimate, ExitCode.DONE);
    }

    @Override
    public Verified verify(List<CopyUnit> units) {
        try {
            live.follows.values().forEach(LiveFollow::removeMarkers);
            // a cutover verifies while the source's writes are paused, so both sides hold still
            MigrationPlan.Verify verify = plan.live() != null && plan.live().cutover() && plan.verify() == MigrationPlan.Verify.none
                    ? MigrationPlan.Verify.quick : plan.verify();
            Verified verified = verify == MigrationPlan.Verify.none ? null
                    : new Verifier(plan.withVerify(verify), streams, target, checkpointDir,
                    counters.snapshot(previous == null ? Counters.Snapshot.zero() : previous.totals()).expired(),
                    targetExpiredBefore).verify();
            live.follows.values().forEach(LiveFollow::confirmStillPaused);
            return verified;
        } catch (RuntimeException e) {
            live.follows.values().forEach(LiveFollow::unpause);
            throw e;
        }
    }

    @Override
    public CopyRun.Result result(CopyRun.Ended ended) {
        live.follows.values().forEach(LiveFollow::unpause);
        recordOwnReads();
        Counters c = counters;
        double seconds = ended.seconds();
        long copied = c.copied.sum();
        // no cause recorded, yet keys were left unread: never report that as done
        RunEnding end = RunEnding.of(ended.fatal(), ended.cancelled(), ended.complete(), c.failed.sum() > 0 || ended.mismatches(),
                "the copy stopped before every key was read, with no cause recorded (a bug: please report it "
                        + "with --verbose); the checkpoint is saved, so --resume finishes the job");
        Map<String, Long> notCarried = new TreeMap<>();
        c.notCarried.forEach((k, v) -> notCarried.put(k, v.get()));
        java.util.Set<String> readers = new java.util.TreeSet<>(readBy.values());
        String reader = readers.isEmpty() ? "scan" : String.join("+", readers);
        List<String> notes = ended.notes();
        if (previous != null && previous.targets().isEmpty()) {
            notes = new ArrayList<>(notes);
            notes.add("the checkpoint was written by an older cachectl, which did not record the target's run id: "
                    + "whether the target restarted since (and lost keys) could not be checked; --verify quick would show it");
        }
        MigrationSummary summary = new MigrationSummary(plan.source().toString(), plan.target().toString(), end.outcome(),
                false, ended.resumed(), reader, c.scanned.sum(), copied, c.skippedExisting.sum(), c.expired.sum(), c.failed.sum(),
                c.failureReasons(), c.typeCopies.sum(), c.bigKeys.sum(), notCarried, c.deletedFromSource.sum(),
                c.bytes.sum(), round(seconds), round(copied / Math.max(seconds, 1e-3)), null, null,
                ended.checkpoint() == null ? null : ended.checkpoint().toString(), end.because(), notes,
                (MigrationSummary.Verification) ended.verification(), liveSummary(plan));
        return new CopyRun.Result(summary, end.exit(), ended.fatal());
    }

    @Override
    public void close() {
        target.close();
    }

    // --- UnitCopier

    @Override
    public List<CopyUnit> units() {
        List<CopyUnit> units = new ArrayList<>();
        for (StreamProgress s : streams()) {
            units.add(s.unit(plan.targetDb(s.db)));
        }
        return units;
    }

    /** The streams of this run (INFO on every source node, the resumed checkpoint's too), checked against the target. */
    private List<StreamProgress> streams() {
        if (streams == null) {
            streams = streams(plan, nodes, previous);
            targetRunIds = target.runIds();
            checkTarget(plan, target, streams, targetRunIds);
            targetExpiredBefore = target.expiredKeys();
            if (previous != null) {
                refuseRestartedTarget(previous, targetRunIds);
            }
            streams.forEach(s -> byName.put(s.name(), s));
        }
        return streams;
    }

    @Override
    public List<String> prepare(CopyUnit unit) {
        return List.of();
    }

    @Override
    public UnitCopier.Reader reader(CopyUnit unit, String resumeToken) {
        StreamProgress stream = byName.get(unit.name());
        readBy.putIfAbsent(stream.node.address(), "scan");
        return new Scanner(unit, stream, resumeToken == null ? "0" : resumeToken, plan.selection(), plan.scanCount(),
                plan.batch().batch(), counters, plan.timeouts().reply());
    }

    @Override
    public UnitCopier.Writer writer(BooleanSupplier stopping) {
        CopyWorker worker = new CopyWorker(plan, target, counters, progress, stopping);
        return new UnitCopier.Writer() {
            @Override
            @SuppressWarnings("unchecked")
            public UnitCopier.Written write(UnitCopier.Batch batch) {
                try {
                    worker.copy(byName.get(batch.unit().name()), (List<byte[]>) batch.items());
                } catch (JedisException e) {
                    throw lost(e);
                }
                // what each key became is in the counters, which the summary reports
                return new UnitCopier.Written(0, 0, List.of());
            }

            @Override
            public void close() {
                worker.close();
            }
        };
    }

    /** The net under the paths that know which server failed and say so. */
    private CachectlException lost(JedisException e) {
        return new CachectlException(ExitCode.DOWN, "lost a connection during the copy: "
                + ConnectionLoss.what(e, plan.timeouts().reply()), e);
    }

    @Override
    public boolean validToken(String token) {
        return token.chars().allMatch(Character::isDigit);
    }

    @Override
    public boolean reportsProgress(ProgressListener progress) {
        this.progress = progress;
        return true;
    }

    @Override
    public UnitCopier.Checkpoints checkpoints() {
        return this;
    }

    /** A node read from a snapshot ({@code --reader sync}, or auto on a big keyspace), or null for SCAN. */
    @Override
    public UnitCopier.GroupCopy groupCopy(String address, List<CopyUnit> units) {
        List<StreamProgress> nodeStreams = units.stream().map(u -> byName.get(u.name())).toList();
        OptionalLong delay = snapshotDelay(plan, nodeStreams);
        if (delay.isEmpty()) {
            readBy.put(address, "scan");
            return null;
        }
        return context -> {
            SnapshotCopy snapshot = new SnapshotCopy(plan, target, nodeStreams, counters, context.rate(), context.progress(),
                    context::stopping, context::fail).whenFinished(s -> context.finished(s.unit(plan.targetDb(s.db))));
            if (plan.live() != null) {
                LiveFollow.Resume from = LiveFollow.resumePosition(plan, target, address, previous == null ? null
                        : previous.live().stream().filter(l -> l.node().equals(address)).findFirst().orElse(null));
                LiveFollow follow = new LiveFollow(plan, target, nodeStreams.get(0).node, counters, live, context.progress(),
                        context::stopping);
                if (from != null) {
                    follow.holding(from.held());
                }
                snapshot.following(follow, from == null ? null : from.from(), context::note);
            }
            try {
                readBy.put(address, "sync");
                snapshot.run();
            } catch (ReplicaSync.Refused | SnapshotCopy.Unreadable e) {
                if (plan.reader() == MigrationPlan.Reader.sync || context.stopping()) {
                    throw e;
                }
                // what the snapshot wrote stays; SCAN goes over the node again (replacing, or skipping, those keys)
                String why = e instanceof SnapshotCopy.Unreadable unreadable ? unreadable.reason() : e.getMessage();
                readBy.put(address, "scan");
                throw new UnitCopier.Fallback(why + "; read with SCAN instead", e);
            } catch (JedisException e) {
                throw lost(e);
            }
        };
    }

    // --- Checkpoints: Redis's own format, as earlier versions wrote it

    @Override
    public List<UnitCheckpoint.Unit> load(Path file) {
        previous = loadCheckpoint(file);
        return previous.streams().stream().map(s -> new UnitCheckpoint.Unit(StreamProgress.name(s.node(), s.db()),
                s.cursor().equals("0") ? "" : s.cursor(), s.done())).toList();
    }

    @Override
    public void save(Path file, List<UnitCheckpoint.Unit> units) {
        List<Checkpoint.Stream> saved = new ArrayList<>();
        for (UnitCheckpoint.Unit u : units) {
            StreamProgress s = byName.get(u.unit());
            saved.add(new Checkpoint.Stream(s.node.address(), s.db, s.runId,
                    u.done() || u.token().isEmpty() ? "0" : u.token(), u.done()));
        }
        Counters.Snapshot base = previous == null ? Counters.Snapshot.zero() : previous.totals();
        List<Checkpoint.TargetNode> targets = targetRunIds.entrySet().stream()
                .map(e -> new Checkpoint.TargetNode(e.getKey(), e.getValue())).toList();
        Checkpoint.of(fingerprint, job, saved, livePositions(previous), targets, counters.snapshot(base)).write(file);
        recordOwnReads();
    }

    /**
     * A checkpoint in the default place of this source into another target: a target started with
     * {@code --port auto} gets another URL when it restarts, and so its job another checkpoint name.
     */
    @Override
    public String elsewhere(Path file) {
        if (plan.checkpoint() != null || !Files.isDirectory(checkpointDir)) {
            return null;
        }
        List<Path> files;
        try (java.util.stream.Stream<Path> list = Files.list(checkpointDir)) {
            files = list.filter(f -> f.getFileName().toString().matches("migrate-[0-9a-f]{16}\\.json")).sorted().toList();
        } catch (java.io.IOException e) {
            return null;
        }
        for (Path f : files) {
            Checkpoint other;
            try {
                other = Checkpoint.read(f);
            } catch (CachectlException damaged) {
                continue;
            }
            if (other.job().source().equals(job.source()) && !other.job().target().equals(job.target())) {
                return "there is one from this source into " + other.job().target() + " (" + f + "): if that target is this one "
                        + "on another port, it restarted, so run without --resume to copy everything";
            }
        }
        return null;
    }

    /**
     * What this run's reads did to each source's keyspace hits and misses since they were last recorded,
     * for status and the warm gate to discount: every second while it runs (so a run killed part way has
     * recorded nearly all of it, and status --interval sees it as it goes), and once at the end.
     */
    private void recordOwnReads() {
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
        long delaySeconds = disklessDelaySeconds(nodeStreams.get(0).node, plan.timeouts().quick());
        long keys = nodeStreams.stream().mapToLong(s -> s.keys).sum();
        if (auto && keys < Math.max(SNAPSHOT_MIN_KEYS, delaySeconds * SCAN_KEYS_PER_SECOND)) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(delaySeconds);
    }

    /** The wait before a diskless snapshot starts; 0 when it is written to disk first, or when CONFIG is not allowed. */
    private static long disklessDelaySeconds(SourceNode node, Duration timeout) {
        try (Jedis jedis = RedisClients.open(node.endpoint(), timeout)) {
            Map<String, String> config = jedis.configGet("repl-diskless-sync*");
            if (!"yes".equals(config.get("repl-diskless-sync"))) {
                return 0;
            }
            return Long.parseLong(config.getOrDefault("repl-diskless-sync-delay", "0"));
        } catch (JedisException | NumberFormatException e) {
            return 0;
        }
    }

    private Checkpoint loadCheckpoint(Path file) {
        if (!Files.isRegularFile(file)) {
            throw CachectlException.usage(CopyRun.noCheckpoint(file, elsewhere(file)));
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
            try (Jedis jedis = RedisClients.open(node.endpoint(), plan.timeouts().quick())) {
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

    /**
     * A server written to that restarted since the checkpoint (same address, another run id) may have come
     * back empty, and the keys the checkpoint counts as copied with it: a resume would report a copy complete
     * that is not. A master of a cluster target no longer serving (a failover) cannot be told apart from one
     * whose replica carried its keys, so only a server found at its recorded address is checked; a checkpoint
     * written before run ids of targets were recorded has none, and resumes as it did.
     */
    private static void refuseRestartedTarget(Checkpoint previous, Map<String, String> now) {
        for (Checkpoint.TargetNode was : previous.targets()) {
            String runId = now.get(was.node());
            if (runId != null && !runId.equals(was.runId())) {
                throw CachectlException.usage("--resume refused: target " + was.node() + " restarted since the checkpoint "
                        + "(its run id changed), so keys copied before may be gone; run without --resume to copy everything again");
            }
        }
    }

    /**
     * Before anything is read (and in a dry run): a cluster source has only db 0, so a {@code --db} or
     * {@code --db-map} naming another db asks for keys it cannot have; read as db 0, the copy would write all of them.
     */
    private static void refuseClusterSourceDbs(MigrationPlan plan) {
        if (!plan.source().cluster()) {
            return;
        }
        List<Integer> other = plan.sourceDbs().stream().filter(db -> db != 0).toList();
        if (!other.isEmpty()) {
            throw CachectlException.usage("the source " + plan.source() + " is a Redis Cluster, which has only db 0: --db "
                    + other.stream().map(String::valueOf).collect(Collectors.joining(","))
                    + " cannot be read; drop --db to copy db 0");
        }
        plan.dbMap().keySet().stream().filter(db -> db != 0).findFirst().ifPresent(db -> {
            throw CachectlException.usage("the source " + plan.source() + " is a Redis Cluster, which has only db 0: --db-map "
                    + db + ":" + plan.dbMap().get(db) + " maps a db it does not have; map 0:N instead");
        });
    }

    /**
     * Before anything is copied (and in a dry run): every db the copy writes to exists on the target. A write
     * into a db the target lacks fails, and a writer that went on after it would put keys into another db.
     * And no key is to be written onto itself: a source node that is also a target node (the same run id,
     * whatever names reach it: localhost and 127.0.0.1, an instance name and its URL, two seeds of one
     * cluster) copying a db into the same db without renaming would count every key copied, and with
     * {@code --delete-source} delete them all.
     */
    private static void checkTarget(MigrationPlan plan, Target target, List<StreamProgress> streams,
                                    Map<String, String> targetRunIds) {
        for (StreamProgress s : streams) {
            int targetDb = plan.targetDb(s.db);
            if (!target.hasDb(targetDb)) {
                throw target.noDb(s.db, targetDb);
            }
            if (targetRunIds.containsValue(s.runId) && s.db == targetDb && plan.selection().fromPrefix() == null) {
                String alias = targetRunIds.entrySet().stream().filter(e -> e.getValue().equals(s.runId))
                        .map(Map.Entry::getKey).findFirst().orElseThrow();
                throw CachectlException.usage("source and target are the same server and db (" + s.node.address()
                        + (alias.equals(s.node.address()) ? "" : ", which the target reaches as " + alias) + ", db " + s.db
                        + "): nothing to copy; map dbs with --db-map or rename with --rename-prefix, or pick another target");
            }
        }
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

    /** Identifies the job: the same source, target, dbs and filters give the same fingerprint. */
    static String fingerprint(MigrationPlan plan) {
        KeySelection sel = plan.selection();
        String text = String.join("\n", plan.source().toString(), plan.target().toString(),
                String.valueOf(plan.sourceDbs()), String.valueOf(new TreeMap<>(plan.dbMap())), String.valueOf(sel.match()),
                String.valueOf(sel.exclude()), String.valueOf(new java.util.TreeSet<>(sel.types())),
                sel.fromPrefix() == null ? "" : new String(sel.fromPrefix(), StandardCharsets.UTF_8) + "->"
                        + new String(sel.toPrefix(), StandardCharsets.UTF_8));
        return Hashes.sha256(text);
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
