package dev.cachectl.cli;

import dev.cachectl.Cancellation;
import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.batch.BatchSettings;
import dev.cachectl.config.Endpoint;
import dev.cachectl.engine.Engine;
import dev.cachectl.redis.RedisClients;
import dev.cachectl.migrate.Copy;
import dev.cachectl.migrate.CopyPlan;
import dev.cachectl.migrate.CopyRun;
import dev.cachectl.migrate.CopySummary;
import dev.cachectl.migrate.KeySelection;
import dev.cachectl.migrate.MigrateLock;
import dev.cachectl.migrate.Migration;
import dev.cachectl.migrate.MigrationPlan;
import dev.cachectl.migrate.MigrationSummary;
import dev.cachectl.migrate.Timeouts;
import dev.cachectl.util.Durations;
import dev.cachectl.util.Sizes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/** {@code cachectl migrate SOURCE TARGET}: copy a Redis keyspace in batches, resumable and verified. */
@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = {"Copy keys from one Redis (standalone or cluster) to another, with TTLs kept exactly; or MongoDB "
                + "collections, with their options and indexes, from one MongoDB to another.",
                "Ctrl-C or SIGTERM saves a checkpoint (exit 130); --resume continues from it."})
public final class MigrateCommand implements Callable<Integer> {

    @ParentCommand
    CachectlCommand top;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SOURCE", description = "Instance name or URL (redis://, rediss://, redis+cluster:// or mongodb://; a mongodb URL may end in /DB or /DB.COLLECTION).")
    String source;

    @Parameters(index = "1", paramLabel = "TARGET", description = "Instance name or URL.")
    String target;

    @Option(names = "--match", paramLabel = "GLOB", description = "Copy keys matching this glob (repeatable; any may match).")
    List<String> match = new ArrayList<>();

    @Option(names = "--exclude", paramLabel = "GLOB", description = "Skip keys matching this glob (repeatable).")
    List<String> exclude = new ArrayList<>();

    @Option(names = "--type", paramLabel = "TYPE", split = ",",
            description = "Copy only these types: string, list, set, zset, hash, stream.")
    List<String> types = new ArrayList<>();

    @Option(names = "--db", paramLabel = "N", split = ",", description = "Source dbs to copy (default: every db with keys).")
    List<Integer> dbs = new ArrayList<>();

    @Option(names = "--db-map", paramLabel = "FROM:TO", split = ",", description = "Write source db FROM into target db TO, e.g. 0:3.")
    List<String> dbMap = new ArrayList<>();

    @Option(names = "--rename-prefix", paramLabel = "OLD=NEW",
            description = "Rewrite the key prefix OLD to NEW on the target, e.g. user:=member: (OLD:NEW when neither has a colon).")
    String renamePrefix;

    @Option(names = "--skip-existing", description = "Keep keys that already exist on the target (default: replace them).")
    boolean skipExisting;

    @Option(names = "--replace", description = "Overwrite keys that exist on the target (the default).")
    boolean replace;

    @Option(names = "--mode", paramLabel = "METHOD", defaultValue = "auto",
            description = "auto (DUMP/RESTORE, by type when the target rejects a payload), dump, or struct (default: ${DEFAULT-VALUE}).")
    MigrationPlan.Mode mode;

    @Option(names = "--reader", paramLabel = "READER", defaultValue = "auto",
            description = "How keys are read from the source: scan (SCAN + DUMP), sync (a replication snapshot, as a "
                    + "replica gets), or auto (sync for big keyspaces when the source allows it) (default: ${DEFAULT-VALUE}).")
    MigrationPlan.Reader reader;

    @Option(names = "--scan-count", paramLabel = "N", defaultValue = "1000", description = "SCAN COUNT hint (default: ${DEFAULT-VALUE}).")
    int scanCount;

    @Option(names = "--big-key-elements", paramLabel = "N", defaultValue = "10000",
            description = "Copy collections with more elements in chunks (default: ${DEFAULT-VALUE}); with --live, only "
                    + "values over 8 MB in the snapshot.")
    long bigKeyElements;

    @Option(names = "--big-key-size", paramLabel = "SIZE", defaultValue = "64mb", converter = Converters.SizeConverter.class,
            description = "Copy values larger than this in chunks (default: 64mb); with --live, only values over 8 MB in "
                    + "the snapshot.")
    long bigKeyBytes;

    @Option(names = "--checkpoint", paramLabel = "FILE", description = "Checkpoint file (default: one per job in the home).")
    Path checkpoint;

    @Option(names = "--resume", description = "Continue an interrupted run from its checkpoint.")
    boolean resume;

    @Option(names = "--verify", paramLabel = "LEVEL", defaultValue = "none",
            description = "After copying: none, quick (counts and a 1000-key sample) or full (every key) (default: ${DEFAULT-VALUE}).")
    MigrationPlan.Verify verify;

    @Option(names = "--ttl-tolerance", paramLabel = "DURATION", defaultValue = "1s",
            description = "TTLs within this of each other match in --verify (default: ${DEFAULT-VALUE}).")
    Duration ttlTolerance;

    @Option(names = "--delete-source", description = "Move: delete each source key once it is on the target and unchanged.")
    boolean deleteSource;

    @Option(names = "--live", description = "After the snapshot, keep applying every write the source replicates, "
            + "until Ctrl-C, --until caught-up or --cutover.")
    boolean live;

    @Option(names = "--until", paramLabel = "WHEN", description = "With --live: stop once the target has caught up "
            + "(caught-up) and stayed so for --settle.")
    String until;

    @Option(names = "--settle", paramLabel = "DURATION", defaultValue = "1s",
            description = "With --live --until caught-up: how long the lag must stay zero (default: ${DEFAULT-VALUE}).")
    Duration settle;

    @Option(names = "--cutover", description = "With --live: once caught up, pause writes on the source, drain the "
            + "stream, verify, report and resume writes.")
    boolean cutover;

    @Option(names = "--max-pause", paramLabel = "DURATION", description = "With --cutover: the longest the source's "
            + "writes stay paused (they resume by themselves after it, should cachectl die); a drain and verification "
            + "that take longer fail the cutover (default: 30s).")
    Duration maxPause;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s",
            description = "How long to wait for a server (source, target, each node of a cluster) to answer before giving "
                    + "up on it; a snapshot's link and writers wait twice this (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--rename", paramLabel = "FROM=TO",
            description = "MongoDB: write collection DB.COLL as DB2.COLL2, or database DB as DB2 (repeatable).")
    List<String> renames = new ArrayList<>();

    @Option(names = "--query", paramLabel = "JSON", description = "MongoDB: copy only documents matching this filter (Extended JSON).")
    String query;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "" + BatchSettings.DEFAULT_THREADS,
            description = "Worker threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Mixin
    BatchOptions batch;

    /** --batch, --threads, --rate and --dry-run, checked. */
    BatchSettings batchSettings() {
        return batch.settings(threads);
    }

    /** Options that mean something for one engine only, refused for the other (exit 2) rather than ignored. */
    private static final List<String> REDIS_ONLY = List.of("--type", "--db", "--db-map", "--rename-prefix", "--mode", "--reader",
            "--scan-count", "--big-key-elements", "--big-key-size", "--ttl-tolerance", "--delete-source", "--live", "--until", "--settle", "--cutover",
            "--max-pause", "--timeout");
    private static final List<String> MONGO_ONLY = List.of("--rename", "--query");
    private static final String MONGO = "mongo";

    @Override
    public Integer call() {
        CachectlCommand.Context ctx = top.context();
        Output output = new Output(spec.commandLine(), top);
        if (skipExisting && replace) {
            throw CachectlException.usage("--replace and --skip-existing contradict each other");
        }
        if (deleteSource && reader == MigrationPlan.Reader.sync) {
            throw CachectlException.usage("--delete-source needs --reader scan (or auto): a move deletes each key once it is "
                    + "verified, key by key");
        }
        if (mode == MigrationPlan.Mode.struct && reader == MigrationPlan.Reader.sync) {
            throw CachectlException.usage("--mode struct copies key by key from the live source: use --reader scan (or auto)");
        }
        // both ends by their engine (a URL's scheme, or what the named instance runs), not by how they are written
        boolean fromMongo = isMongo(ctx.catalog().engineOf(source));
        if (fromMongo != isMongo(ctx.catalog().engineOf(target))) {
            throw CachectlException.usage(fromMongo
                    ? "migrate copies MongoDB to MongoDB, not into Redis: to load a collection into Redis use "
                    + "'cachectl warm mongodb://HOST/DB.COLLECTION --to REDIS'"
                    : "migrate copies Redis to Redis, not into MongoDB: warm goes the other way (a MongoDB collection into "
                    + "Redis, 'cachectl warm mongodb://HOST/DB.COLLECTION --to REDIS')");
        }
        refuse(fromMongo ? REDIS_ONLY : MONGO_ONLY, fromMongo ? "MongoDB" : "Redis");
        CopyPlan plan = fromMongo ? MongoMigrateRun.plan(this, ctx) : plan(ctx);
        Copy copy = ctx.catalog().engineOf(source).copy();
        Path home = ctx.home().root();
        // the one orchestrator runs either engine's copy; a cancel that comes before it runs is passed on when it does
        AtomicReference<CopyRun> running = new AtomicReference<>();
        CopyRun.Result result;
        try (MigrateLock lock = MigrateLock.acquire(copy, plan, home);
             Cancellation.Registration stop = top.cancellation().onCancel(why -> {
                CopyRun run = running.get();
                if (run != null) {
                    run.cancel(why);
                }
            });
             Migration migration = open(copy, plan, home, ctx, fromMongo)) {
            CopyRun run = new CopyRun(migration, top.progressListener(spec.commandLine().getErr()));
            running.set(run);
            if (top.cancellation().isCancelled()) {
                run.cancel(top.cancellation().reason());
            }
            result = run.run();
        } catch (MigrateLock.Busy busy) {
            // another run of this job is at it: skipped before anything is read or written, a summary like any other
            result = new CopyRun.Result(copy.skipped(plan, busy.getMessage()), ExitCode.LOCKED);
        }
        if (output.json()) {
            output.printJson(result.summary());
        } else if (result.exitCode() != ExitCode.LOCKED) {
            // a run skipped for the lock did nothing: the one line below, why, is all it prints
            if (result.summary() instanceof CopySummary copied) {
                MongoMigrateRun.report(output, copied);
            } else {
                report(output, (MigrationSummary) result.summary());
            }
        }
        if (result.summary().stoppedBecause() != null && result.exitCode() != ExitCode.INTERRUPTED) {
            output.error(result.summary().stoppedBecause(), List.of());
            if (result.fatal() != null) {
                output.trace(result.fatal().getCause());
            }
        }
        return result.exitCode().code();
    }

    /**
     * Once the job's lock is held (a run skipped for it is exit 5 whatever state the servers are in): both ends
     * answer and accept us, then the engine opens the copy.
     */
    private Migration open(Copy copy, CopyPlan plan, Path home, CachectlCommand.Context ctx, boolean mongo) {
        Endpoint from = ctx.catalog().reachableEndpoint(source);
        Endpoint to = ctx.catalog().reachableEndpoint(target);
        if (!mongo) {
            Duration quick = ((MigrationPlan) plan).timeouts().quick();
            RedisClients.check(from, quick);
            RedisClients.check(to, quick);
        }
        return copy.open(plan, home);
    }

    private static void atLeastOne(String option, long value) {
        if (value < 1) {
            throw CachectlException.usage(option + " must be at least 1 (it is " + value + ")");
        }
    }

    private static void notNegative(String option, long value) {
        if (value < 0) {
            throw CachectlException.usage(option + " takes db numbers of 0 or more (it is " + value + ")");
        }
    }

    /** The Redis plan from the options, before any server is contacted (the lock is taken first: {@link #open}). */
    private MigrationPlan plan(CachectlCommand.Context ctx) {
        atLeastOne("--scan-count", scanCount);
        atLeastOne("--big-key-elements", bigKeyElements);
        atLeastOne("--big-key-size", bigKeyBytes);
        dbs.forEach(db -> notNegative("--db", db));
        Map<Integer, Integer> mapped = dbMap();
        MigrationPlan.Live follow = live();
        Endpoint from = ctx.catalog().endpoint(source);
        Endpoint to = ctx.catalog().endpoint(target);
        return new MigrationPlan(from, to, sourceDbs(from), mapped, selection(), !skipExisting, mode,
                follow != null ? MigrationPlan.Reader.sync : reader, scanCount, bigKeyElements, bigKeyBytes,
                checkpoint == null ? null : top.environment().workingDir().resolve(checkpoint), resume, verify,
                ttlTolerance, deleteSource, batchSettings(), follow, timeouts());
    }

    private Timeouts timeouts() {
        try {
            return new Timeouts(timeout);
        } catch (IllegalArgumentException e) {
            throw CachectlException.usage(e.getMessage() + " (got " + Durations.format(timeout) + ")");
        }
    }

    private static boolean isMongo(Engine engine) {
        return engine.name().equals(MONGO);
    }

    /** The live follow's settings, or null without --live; options that need it or contradict it are usage errors. */
    private MigrationPlan.Live live() {
        if (maxPause != null && !cutover) {
            throw CachectlException.usage("--max-pause needs --cutover");
        }
        if (!live) {
            if (until != null || cutover) {
                throw CachectlException.usage((cutover ? "--cutover" : "--until") + " needs --live");
            }
            return null;
        }
        if (deleteSource) {
            throw CachectlException.usage("--live cannot --delete-source: the source keeps taking writes, which would "
                    + "be deleted as they arrive");
        }
        if (reader == MigrationPlan.Reader.scan || mode == MigrationPlan.Mode.struct) {
            throw CachectlException.usage("--live follows the source's replication stream after its snapshot: drop "
                    + (reader == MigrationPlan.Reader.scan ? "--reader scan" : "--mode struct"));
        }
        if (until != null && !until.equals("caught-up")) {
            throw CachectlException.usage("--until takes caught-up (got '" + until + "')");
        }
        if (until != null && cutover) {
            throw CachectlException.usage("--cutover ends the follow by itself: drop --until");
        }
        if (settle.isNegative()) {
            throw CachectlException.usage("--settle must not be negative");
        }
        if (maxPause != null && maxPause.toMillis() < 1) {
            throw CachectlException.usage("--max-pause must be at least 1ms (got " + Durations.format(maxPause) + ")");
        }
        return new MigrationPlan.Live(until != null, settle, cutover, maxPause == null ? MigrationPlan.Live.MAX_PAUSE : maxPause);
    }

    private void refuse(List<String> options, String engine) {
        for (String name : options) {
            if (spec.commandLine().getParseResult().hasMatchedOption(name)) {
                throw CachectlException.usage(name + " does not apply to a " + engine + " migrate (see 'cachectl migrate --help')");
            }
        }
    }

    private void report(Output output, MigrationSummary s) {
        if (s.dryRun()) {
            output.note(String.format(Locale.ROOT, "dry run: %d keys would be copied, about %s, about %s (read by %s)",
                    s.scanned(), Sizes.human(s.estimatedBytes()), Durations.format(Duration.ofMillis((long) (s.estimatedSeconds() * 1000))),
                    s.reader()));
            s.notes().forEach(note -> output.note("  " + note));
            return;
        }
        output.note(String.format(Locale.ROOT, "migrate %s: %d copied, %d skipped (existing), %d expired, %d failed "
                        + "of %d read in %.1fs (%.0f keys/s, %s, read by %s)%s", s.outcome(), s.copied(), s.skippedExisting(),
                s.expired(), s.failed(), s.scanned(), s.seconds(), s.keysPerSec(), Sizes.human(s.bytes()), s.reader(),
                s.resumed() ? ", resumed" : ""));
        s.notes().forEach(note -> output.warn("  " + note));
        s.failures().forEach((reason, n) -> output.warn("  failed: " + n + " × " + reason));
        s.notCarried().forEach((what, n) -> output.warn("  not carried: " + what));
        if (s.typeCopies() > 0) {
            output.note("  " + s.typeCopies() + " keys copied type by type (" + s.bigKeys() + " big keys in chunks)");
        }
        if (s.deletedFromSource() > 0) {
            output.note("  " + s.deletedFromSource() + " keys deleted from the source");
        }
        if (s.live() != null) {
            MigrationSummary.Live l = s.live();
            output.note(String.format(Locale.ROOT, "  live: %d writes applied (%d transactions), %d failed, %d not carried; "
                            + "ended %s at offset %d, lag %d bytes (%.1fs)%s%s", l.commandsApplied(), l.transactions(),
                    l.commandsFailed(), l.commandsNotCarried(), l.ended(), l.appliedOffset(), l.lagBytes(), l.lagSeconds(),
                    l.caughtUp() ? ", caught up" : "", l.resumedStream() ? ", resumed by partial resync" : ""));
            if (l.cutover()) {
                output.note(String.format(Locale.ROOT, "  cutover: source writes paused for %.2fs (drain and verify)",
                        l.pausedSeconds()));
            }
        }
        if (s.checkpoint() != null) {
            output.note("  checkpoint saved: " + s.checkpoint() + " (continue with --resume)");
        }
        if (s.verification() != null) {
            MigrationSummary.Verification v = s.verification();
            output.note("  verify " + v.mode() + ": " + v.checked() + " keys checked, " + v.mismatches() + " mismatches"
                    + (v.listFile() == null ? "" : " (all listed in " + v.listFile() + ")"));
            v.examples().forEach(e -> output.warn("    " + e));
            if (v.listError() != null) {
                output.warn("  the full list of mismatches was not written: " + v.listError());
            }
        }
    }

    private List<Integer> sourceDbs(Endpoint from) {
        if (!dbs.isEmpty()) {
            return List.copyOf(new LinkedHashSet<>(dbs));
        }
        return from.db() != 0 ? List.of(from.db()) : List.of();
    }

    private Map<Integer, Integer> dbMap() {
        Map<Integer, Integer> map = new LinkedHashMap<>();
        for (String pair : dbMap) {
            String[] parts = pair.split(":");
            try {
                if (parts.length != 2) {
                    throw new NumberFormatException();
                }
                int from = Integer.parseInt(parts[0].trim());
                int to = Integer.parseInt(parts[1].trim());
                notNegative("--db-map", Math.min(from, to));
                Integer before = map.put(from, to);
                // one source db goes to one target db: the last of two would win without a word
                if (before != null && !before.equals(map.get(from))) {
                    throw CachectlException.usage("--db-map maps source db " + from + " twice (" + from + ":" + before
                            + " and " + from + ":" + map.get(from) + "): give one");
                }
            } catch (NumberFormatException e) {
                throw CachectlException.usage("--db-map takes FROM:TO db numbers, e.g. 0:3 (got '" + pair + "')");
            }
        }
        return map;
    }

    private KeySelection selection() {
        byte[] from = null;
        byte[] to = null;
        if (renamePrefix != null) {
            // prefixes usually end in ':', so '=' separates them; a lone ':' is accepted when it cannot be ambiguous
            int at = renamePrefix.indexOf('=');
            if (at < 0 && renamePrefix.chars().filter(c -> c == ':').count() == 1) {
                at = renamePrefix.indexOf(':');
            }
            if (at <= 0) {
                throw CachectlException.usage("--rename-prefix takes OLD=NEW, e.g. user:=member: (got '" + renamePrefix + "')");
            }
            from = renamePrefix.substring(0, at).getBytes(StandardCharsets.UTF_8);
            to = renamePrefix.substring(at + 1).getBytes(StandardCharsets.UTF_8);
        }
        for (String type : types) {
            if (!List.of("string", "list", "set", "zset", "hash", "stream").contains(type)) {
                throw CachectlException.usage("--type " + type + ": expected string, list, set, zset, hash or stream");
            }
        }
        return new KeySelection(List.copyOf(match), List.copyOf(exclude), new LinkedHashSet<>(types), from, to);
    }
}
