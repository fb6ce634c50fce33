package dev.cachectl.redis.copy;

import dev.cachectl.migrate.KeySelection;
import dev.cachectl.migrate.MigrationPlan;
import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.progress.ProgressListener;
import dev.cachectl.redis.CommandTable;
import dev.cachectl.redis.ConnectionLoss;
import dev.cachectl.redis.RedisClients;
import dev.cachectl.redis.RedisInfo;
import dev.cachectl.redis.ReplicaSync;
import dev.cachectl.redis.resp.CommandReader;
import dev.cachectl.redis.resp.RespPipe;
import dev.cachectl.redis.resp.RespReader;
import dev.cachectl.redis.resp.RespWriter;
import dev.cachectl.util.Durations;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.JedisClusterCRC16;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Applies the writes a source replicates after its snapshot to the target ({@code migrate --live}),
 * for one source node: the link {@link ReplicaSync#follow} opened stays a replica's link, and every
 * command on it is filtered ({@code --db}, {@code --match}/{@code --exclude}, {@code --type}), renamed
 * ({@code --rename-prefix}), its db mapped, and sent to the target master that serves its keys, in
 * the order the source applied them. Into a cluster, writes are grouped by hash slot, as Redis Cluster
 * runs a transaction only when all its keys share one slot: {@code MULTI … EXEC} stays one
 * transaction where its keys share a slot; a multi-key command whose keys span slots is split where
 * that keeps its meaning ({@code MSET}, {@code DEL}, {@code UNLINK}, {@code TOUCH}) and otherwise
 * counted as not carried, never dropped silently. Expiries arrive absolute ({@code PEXPIREAT}, {@code SET … PXAT}),
 * as the source replicates them, so TTLs do not drift.
 * <p>
 * The offset of the last write the target acknowledged is the applied offset: reported to the source
 * ({@code REPLCONF ACK}, so its {@code INFO replication} lists cachectl as a replica with its lag),
 * saved in the checkpoint, and asked for again by a resume. The lag is the source's
 * {@code master_repl_offset} minus the applied offset, in bytes, and in seconds since the oldest write
 * not yet applied was taken.
 */
final class LiveFollow {
    private static final Duration TICK = Duration.ofMillis(100);
    /** While the source's writes are paused, the drain is watched this often: every wait lengthens the pause. */
    private static final Duration PAUSED_TICK = Duration.ofMillis(5);
    /** What a cutover's pause keeps for the verification after the drain, at most (half a pause shorter than twice this). */
    private static final Duration VERIFY_SHARE = Duration.ofSeconds(5);
    private static final Duration ACK_EVERY = Duration.ofSeconds(1);
    /** The source's offset probe and the target's markers: at most this, or {@code --timeout} when shorter. */
    private static final Duration PROBE = Duration.ofSeconds(10);
    private static final int BATCH = 1024;
    /** The transaction, and marker, of a standalone target: it has no slots. */
    static final int STANDALONE = -1;
    private static final Set<String> SPLITTABLE = Set.of("DEL", "UNLINK", "TOUCH", "MSET");
    private static final Set<String> LINK = Set.of("PING", "REPLCONF");
    private static final Set<String> WHOLE = Set.of("FLUSHALL", "FLUSHDB", "SWAPDB", "MOVE");
    /** Where the target keeps how far a source node's stream is applied, while a follow runs or was interrupted. */
    static final String MARKER_PREFIX = "cachectl:live:";
    private static final byte[] MULTI = ascii("MULTI");
    private static final byte[] EXEC = ascii("EXEC");
    private static final byte[] SELECT = ascii("SELECT");
    private static final byte[] SET = ascii("SET");
    private static final Map<String, String> TYPE_CATEGORIES = Map.of("string", "@string", "list", "@list",
            "set", "@set", "zset", "@sortedset", "hash", "@hash", "stream", "@stream");

    /** Where a node's follow stands: what a checkpoint saves and a resume asks for. */
    record Position(String node, String replicationId, long offset, int db) {
    }

    /** Shared by every node's follow of one run: what the summary reports. */
    static final class Totals {
        final java.util.concurrent.atomic.LongAdder applied = new java.util.concurrent.atomic.LongAdder();
        final java.util.concurrent.atomic.LongAdder failed = new java.util.concurrent.atomic.LongAdder();
        final java.util.concurrent.atomic.LongAdder notCarried = new java.util.concurrent.atomic.LongAdder();
        final java.util.concurrent.atomic.LongAdder transactions = new java.util.concurrent.atomic.LongAdder();
        final Map<String, LiveFollow> follows = new java.util.concurrent.ConcurrentHashMap<>();
    }

    private final MigrationPlan plan;
    private final Target target;
    private final SourceNode node;
    private final Counters counters;
    private final Totals totals;
    private final ProgressListener progress;
    private final BooleanSupplier stopping;
    private final KeySelection.Matcher matcher;
    private final Set<String> categories;
    private final SourceNode[] owners;
    private final Map<String, RespPipe> pipes = new HashMap<>();
    /**
     * Per transaction of the next batch, the commands routed to it: per hash slot of a cluster target
     * (the unit Redis Cluster runs a transaction in), or {@link #STANDALONE} for one server.
     */
    private final Map<Integer, PipeState> pending = new LinkedHashMap<>();
    private final ArrayDeque<Batch> unacknowledged = new ArrayDeque<>();

    private volatile String replicationId;
    private volatile long applied;
    private volatile long sourceOffset;
    private volatile long lagNanos;
    private volatile boolean caughtUp;
    private volatile boolean paused;
    private volatile long pausedAt;
    private volatile long pausedNanos;
    private volatile String ended = "running";
    private volatile boolean resumedStream;
    private volatile CachectlException failure;
    private volatile int db;
    /** The db selected at the applied offset: a resume must know it, as the stream names it only when it changes. */
    private volatile int appliedDb = -1;
    private List<byte[][]> transaction;
    private CommandTable table;
    /** After a resume: per slot of the target ({@link #STANDALONE}: all of it), the offset up to which it holds the stream. */
    private Map<Integer, Long> held = Map.of();
    /** The offset after the command being routed, and before it. */
    private long offsetAfter;
    private long offsetBefore;
    /** Where the stream stopped being applied because the target could not take a command, or -1. */
    private long refusedAt = -1;

    LiveFollow(MigrationPlan plan, Target target, SourceNode node, Counters counters, Totals totals,
               ProgressListener progress, BooleanSupplier stopping) {
        this.plan = plan;
        this.target = target;
        this.node = node;
        this.counters = counters;
        this.totals = totals;
        this.progress = progress;
        this.stopping = stopping;
        this.matcher = plan.selection().matcher();
        this.categories = new java.util.HashSet<>();
        plan.selection().types().forEach(t -> categories.add(TYPE_CATEGORIES.get(t)));
        this.owners = target.cluster() ? Topology.slotOwners(target.endpoint(), plan.timeouts().quick()) : null;
        totals.follows.put(node.address(), this);
    }

    void holding(Map<Integer, Long> alreadyHeld) {
        this.held = alreadyHeld;
    }

    /** A replica of the source would take every write twice, once from its master and once from us: exit 2. */
    static void refuseOwnReplica(MigrationPlan plan, List<SourceNode> sources) {
        if (plan.target().cluster()) {
            return;
        }
        RedisInfo info;
        try (Jedis jedis = RedisClients.open(plan.target(), plan.timeouts().quick())) {
            info = RedisInfo.parse(jedis.info("replication"));
        } catch (JedisException e) {
            throw RedisClients.translate(plan.target(), e);
        }
        if (!"slave".equals(info.get("role"))) {
            return;
        }
        String master = info.get("master_host") + ":" + info.get("master_port");
        for (SourceNode source : sources) {
            int colon = source.address().lastIndexOf(':');
            boolean local = master.startsWith("127.0.0.1:") || master.startsWith("localhost:");
            if (source.address().equals(master) || local && source.address().substring(colon).equals(master.substring(master.indexOf(':')))) {
                throw CachectlException.usage("--live into " + plan.target() + ", a replica of the source " + source.address()
                        + ": it receives the source's writes already; pick another target");
            }
        }
    }

    Position position() {
        return replicationId == null ? null : new Position(node.address(), replicationId, applied, appliedDb);
    }

    long lagBytes() {
        return Math.max(0, sourceOffset - applied);
    }

    double lagSeconds() {
        return lagNanos / 1e9;
    }

    boolean caughtUp() {
        return caughtUp;
    }

    long appliedOffset() {
        return applied;
    }

    long sourceOffset() {
        return sourceOffset;
    }

    String ended() {
        return ended;
    }

    boolean resumedStream() {
        return resumedStream;
    }

    /**
     * Follows the stream of {@code sync}, whose commands are on {@code stream}, until the run stops
     * (Ctrl-C, a fatal error), the target caught up and stayed so for {@code --settle} ({@code --until
     * caught-up}), or a cutover completes. Throws what stopped it when that was a failure.
     */
    void follow(ReplicaSync sync, InputStream stream, boolean resumed, int resumeDb) throws InterruptedException {
        this.replicationId = sync.replicationId();
        this.applied = sync.offset();
        this.sourceOffset = sync.offset();
        this.resumedStream = resumed;
        if (!resumed) {
            held = Map.of(); // a fresh snapshot starts a new stream: offsets from before mean nothing in it
        }
        this.db = resumed && resumeDb >= 0 ? resumeDb : -1;
        this.appliedDb = db;
        this.offsetAfter = sync.offset();
        this.table = CommandTable.of(node.endpoint(), plan.timeouts().atMost(PROBE));
        Thread reader = new Thread(() -> read(sync, new CommandReader(stream, sync.offset())),
                "cachectl-live-" + node.address());
        reader.setDaemon(true);
        reader.start();
        try (CommandTable commands = table; Jedis probe = RedisClients.open(node.endpoint(), plan.timeouts().atMost(PROBE))) {
            watch(sync, probe, reader);
        } catch (JedisException e) {
            throw ConnectionLoss.of("source", node.endpoint(), e, plan.timeouts().atMost(PROBE));
        } finally {
            sync.close();
            reader.join(10_000);
            pipes.values().forEach(RespPipe::close);
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Reads the source's offset, acknowledges, measures the lag and decides when the follow ends. */
    private void watch(ReplicaSync sync, Jedis probe, Thread reader) throws InterruptedException {
        ArrayDeque<long[]> taken = new ArrayDeque<>(); // {source offset, when it was first seen}
        long settleNanos = plan.live().settle().toNanos();
        long levelSince = -1;
        long lastAck = 0;
        long lastAcked = -1;
        long pauseDeadline = 0;
        while (reader.isAlive()) {
            long now = System.nanoTime();
            long offset = masterOffset(probe);
            sourceOffset = offset;
            if (taken.isEmpty() || taken.peekLast()[0] < offset) {
                taken.add(new long[]{offset, now});
            }
            long done = applied;
            while (!taken.isEmpty() && taken.peekFirst()[0] <= done) {
                taken.pollFirst();
            }
            lagNanos = taken.isEmpty() ? 0 : now - taken.peekFirst()[1];
            // as a replica does every second, and at once when more is applied, so the source's view of the lag is fresh
            if (now - lastAck >= ACK_EVERY.toNanos() || done != lastAcked) {
                lastAck = now;
                lastAcked = done;
                try {
                    sync.ack(done);
                } catch (IOException e) {
                    // the reader sees the broken link too, and says so
                }
            }
            progress.detail(String.format(Locale.ROOT, "live %s: lag %d bytes, %.1fs", node.address(), lagBytes(),
                    lagSeconds()));
            if (stopping.getAsBoolean()) {
                ended = "stopped";
                return;
            }
            boolean level = offset <= done;
            levelSince = level ? (levelSince < 0 ? now : levelSince) : -1;
            if (plan.live().cutover()) {
                if (!paused && level) {
                    pause(probe);
                    // the drain gets the pause but what the verification needs: 5 s, or half a shorter pause
                    long maxPause = plan.live().maxPause().toNanos();
                    pauseDeadline = pausedAt + maxPause - Math.min(maxPause / 2, VERIFY_SHARE.toNanos());
                } else if (paused && level) {
                    // nothing can be written while paused: level now means level for good
                    caughtUp = true;
                    ended = "cutover";
                    return;
                } else if (paused && now > pauseDeadline) {
                    throw new CachectlException(ExitCode.FAILED, "cutover: the target did not catch up with source "
                            + node.address() + " within the pause (--max-pause " + Durations.format(plan.live().maxPause())
                            + ", less what the verification needs; " + lagBytes() + " bytes behind); writes resume");
                }
            } else if (plan.live().untilCaughtUp() && levelSince >= 0 && now - levelSince >= settleNanos) {
                caughtUp = true;
                ended = "caught-up";
                return;
            }
            caughtUp = level;
            reader.join((paused ? PAUSED_TICK : TICK).toMillis());
        }
    }

    /** {@code CLIENT PAUSE … WRITE}: clients keep reading, and nothing more enters the stream. */
    private void pause(Jedis probe) {
        // taken before the command: the source's own timeout runs from a moment later, never earlier
        pausedAt = System.nanoTime();
        probe.sendCommand(redis.clients.jedis.Protocol.Command.CLIENT, "PAUSE",
                Long.toString(plan.live().maxPause().toMillis()), "WRITE");
        paused = true;
    }

    /**
     * After the verification, before writes resume: the source's pause has not run out by itself. Once it has, the
     * source took writes the follow, ended at the drain, never applied, and the verification may not have seen.
     */
    void confirmStillPaused() {
        if (!paused) {
            return;
        }
        long took = System.nanoTime() - pausedAt;
        Duration maxPause = plan.live().maxPause();
        if (took >= maxPause.toNanos()) {
            throw new CachectlException(ExitCode.FAILED, String.format(Locale.ROOT, "cutover: the drain and the "
                    + "verification took %.2fs, longer than --max-pause %s: writes resumed on source %s before they "
                    + "ended, and the target may lack what was written since; run the cutover again with a longer "
                    + "--max-pause",
                    took / 1e9, Durations.format(maxPause), node.address()));
        }
    }

    /** How long a cutover kept the source's writes paused, in seconds (0 without one). */
    double pausedSeconds() {
        return pausedNanos / 1e9;
    }

    /** Lets the source take writes again after a cutover; harmless when it was never paused. */
    void unpause() {
        if (!paused) {
            return;
        }
        try (Jedis jedis = RedisClients.open(node.endpoint(), plan.timeouts().atMost(PROBE))) {
            jedis.sendCommand(redis.clients.jedis.Protocol.Command.CLIENT, "UNPAUSE");
            paused = false;
            pausedNanos = System.nanoTime() - pausedAt;
        } catch (JedisException e) {
            throw new CachectlException(ExitCode.DOWN, "cutover: could not resume writes on source " + node.address()
                    + " (CLIENT UNPAUSE): " + ConnectionLoss.what(e, plan.timeouts().atMost(PROBE))
                    + "; they resume by themselves within " + Durations.format(plan.live().maxPause()), e);
        }
    }

    private static long masterOffset(Jedis probe) {
        return RedisInfo.parse(probe.info("replication")).number("master_repl_offset");
    }

    /** The reader thread: commands in, batches out, until the link closes. */
    private void read(ReplicaSync sync, CommandReader in) {
        // read while the link is open: a loss says how long it waited for a byte
        Duration linkTimeout = sync.readTimeout();
        try {
            while (!stopping.getAsBoolean()) {
                offsetBefore = offsetAfter;
                byte[][] command = in.next();
                offsetAfter = in.offset();
                handle(sync, command, offsetAfter);
                // a batch never ends inside a transaction: its offset would name a point the target never held
                if (transaction == null && (pendingCommands() >= BATCH || !in.ready())) {
                    flush(in.offset());
                }
            }
        } catch (IOException e) {
            if (!stopping.getAsBoolean() && !"cutover".equals(ended) && !"caught-up".equals(ended) && !"stopped".equals(ended)) {
                failure = new CachectlException(ExitCode.DOWN, "lost the replication link to source " + node.address()
                        + " during the live follow: " + ConnectionLoss.what(e, linkTimeout)
                        + " (the checkpoint keeps the applied offset: --resume goes on from there)", e);
            }
        } catch (CachectlException e) {
            failure = e;
        } catch (RuntimeException e) {
            failure = new CachectlException(ExitCode.FAILED, "the live follow of " + node.address()
                    + " stopped on an unexpected error (a bug: please report it with --verbose)", e);
        } finally {
            try {
                if (transaction == null) {
                    flush(refusedAt >= 0 ? refusedAt : in.offset());
                }
            } catch (RuntimeException ignored) {
                // the failure above is what counts
            }
            pipes.values().forEach(RespPipe::drain);
        }
    }

    private void handle(ReplicaSync sync, byte[][] command, long offsetAfter) throws IOException {
        String name = new String(command[0], StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT);
        if (LINK.contains(name)) {
            if (name.equals("REPLCONF") && command.length > 1
                    && new String(command[1], StandardCharsets.US_ASCII).equalsIgnoreCase("GETACK")) {
                sync.ack(applied);
            }
            return;
        }
        switch (name) {
            case "SELECT" -> {
                int selected = Integer.parseInt(new String(command[1], StandardCharsets.US_ASCII));
                refuseMissingDb(selected);
                db = selected;
            }
            case "MULTI" -> transaction = new ArrayList<>();
            case "EXEC" -> {
                List<byte[][]> tx = transaction;
                transaction = null;
                if (tx != null) {
                    applyTransaction(tx);
                }
            }
            default -> {
                if (transaction != null) {
                    transaction.add(command);
                } else {
                    apply(name, command);
                }
            }
        }
    }

    /**
     * A db the source began to use during the follow, which the target lacks: the follow stops before
     * anything of it is sent, and the applied offset stays before this SELECT. Sent, the target would refuse
     * the SELECT only at EXEC, after the writes behind it went into the db selected before.
     */
    private void refuseMissingDb(int sourceDb) {
        if (!plan.sourceDbs().isEmpty() && !plan.sourceDbs().contains(sourceDb)) {
            return;
        }
        int targetDb = plan.targetDb(sourceDb);
        if (!target.hasDb(targetDb)) {
            refusedAt = offsetBefore;
            throw target.noDb(sourceDb, targetDb);
        }
    }

    private boolean dbSelected() {
        return plan.sourceDbs().isEmpty() || plan.sourceDbs().contains(db < 0 ? 0 : db);
    }

    /** A command made ready for the target: keys renamed, with the slot of its keys ({@link #STANDALONE}: one server). */
    private record Routed(byte[][] command, int slot) {
    }

    private void apply(String name, byte[][] command) {
        List<Routed> routed = route(name, command);
        boolean everywhere = owners != null && !routed.isEmpty() && WHOLE.contains(name);
        if (everywhere) {
            // the writes before it, in every slot, are sent before it, and those after it after it
            flush(offsetBefore);
        }
        for (Routed r : routed) {
            encode(r.slot(), r.command());
        }
        if (everywhere) {
            flush(offsetAfter);
        }
    }

    private void applyTransaction(List<byte[][]> commands) {
        List<Routed> routed = new ArrayList<>();
        for (byte[][] c : commands) {
            routed.addAll(route(new String(c[0], StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT), c));
        }
        if (routed.isEmpty()) {
            return;
        }
        Set<Integer> slots = new java.util.HashSet<>();
        routed.forEach(r -> slots.add(r.slot()));
        if (slots.size() == 1) {
            // every batch is one MULTI … EXEC per slot already: the transaction's commands go together into one
            routed.forEach(r -> encode(r.slot(), r.command()));
            totals.transactions.increment();
        } else {
            counters.notCarried("atomicity of MULTI/EXEC transactions whose keys span hash slots of the target cluster"
                    + " (applied command by command)");
            routed.forEach(r -> encode(r.slot(), r.command()));
        }
    }

    /** Filters, renames and routes one command; empty when it is not for this copy. */
    private List<Routed> route(String name, byte[][] command) {
        if (!dbSelected()) {
            return List.of();
        }
        if (WHOLE.contains(name)) {
            return whole(name, command);
        }
        int[] keys = table.keyIndexes(name, command);
        if (keys.length == 0) {
            // a write without keys (FUNCTION LOAD, SCRIPT FLUSH…): only where the target is one server
            return owners == null ? List.of(new Routed(command, STANDALONE)) : notCarried(name + " (no key to route by)");
        }
        if (!categories.isEmpty() && !table.spec(name).categories().contains("@keyspace")
                && table.spec(name).categories().stream().noneMatch(categories::contains)) {
            return List.of();
        }
        int inside = 0;
        for (int k : keys) {
            if (matcher.test(command[k])) {
                inside++;
            }
        }
        if (inside == 0) {
            return List.of();
        }
        if (inside < keys.length) {
            return notCarried(name + " with keys both inside and outside --match/--exclude");
        }
        byte[][] renamed = command.clone();
        for (int k : keys) {
            renamed[k] = plan.selection().rename(command[k]);
        }
        if (owners == null) {
            return List.of(new Routed(renamed, STANDALONE));
        }
        Map<Integer, List<Integer>> bySlot = new LinkedHashMap<>();
        for (int k : keys) {
            bySlot.computeIfAbsent(JedisClusterCRC16.getSlot(renamed[k]), n -> new ArrayList<>()).add(k);
        }
        if (bySlot.size() == 1) {
            return List.of(new Routed(renamed, bySlot.keySet().iterator().next()));
        }
        if (!SPLITTABLE.contains(name)) {
            return notCarried(name + " whose keys span hash slots of the target cluster");
        }
        List<Routed> parts = new ArrayList<>();
        boolean pairs = name.equals("MSET");
        for (Map.Entry<Integer, List<Integer>> part : bySlot.entrySet()) {
            List<byte[]> args = new ArrayList<>();
            args.add(renamed[0]);
            for (int k : part.getValue()) {
                args.add(renamed[k]);
                if (pairs) {
                    args.add(renamed[k + 1]);
                }
            }
            parts.add(new Routed(args.toArray(new byte[0][]), part.getKey()));
        }
        return parts;
    }

    /** Commands on whole dbs: carried only where they mean the same on the target. */
    private List<Routed> whole(String name, byte[][] command) {
        boolean unfiltered = plan.selection().match().isEmpty() && plan.selection().exclude().isEmpty()
                && plan.selection().types().isEmpty();
        if (!unfiltered || name.equals("SWAPDB") || name.equals("MOVE")) {
            return notCarried(name + (unfiltered ? "" : " while --match/--exclude/--type filter keys"));
        }
        if (name.equals("FLUSHALL") && !plan.sourceDbs().isEmpty()) {
            return notCarried("FLUSHALL when only some dbs are copied");
        }
        if (owners == null) {
            return List.of(new Routed(command, STANDALONE));
        }
        // once per master, in a transaction of a slot it serves (a command without keys fits any)
        List<Routed> everywhere = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        for (int slot = 0; slot < owners.length; slot++) {
            if (owners[slot] != null && seen.add(owners[slot].address())) {
                everywhere.add(new Routed(command, slot));
            }
        }
        return everywhere;
    }

    private List<Routed> notCarried(String what) {
        totals.notCarried.increment();
        counters.notCarried("live: " + what);
        return List.of();
    }

    // ---- the target side ----

    /**
     * The commands of one transaction of a batch, sent as one {@code MULTI … EXEC} that ends by setting
     * the follow's marker key to the offset the batch reaches: the target holds the writes of a
     * transaction together with its offset or neither, so a resume after {@code kill -9} starts exactly
     * where the target stands and applies no write twice (an INCR or an LPUSH must not be repeated).
     * Into a cluster there is one transaction, and one marker, per hash slot the batch writes to: Redis
     * Cluster refuses a transaction whose keys span slots.
     */
    private static final class PipeState {
        final List<byte[][]> commands = new ArrayList<>();
        int selected = -1;
    }

    /** One flush: the offset it brings the target to once every pipe answered its part. */
    private static final class Batch {
        final long endOffset;
        final int db;
        final AtomicInteger parts = new AtomicInteger();

        Batch(long endOffset, int db) {
            this.endOffset = endOffset;
            this.db = db;
        }
    }

    private void encode(int slot, byte[][] command) {
        if (offsetAfter <= held.getOrDefault(slot, -1L)) {
            return; // the target took it before the interruption, with its marker
        }
        PipeState state = pending.computeIfAbsent(slot, k -> {
            PipeState fresh = new PipeState();
            fresh.commands.add(new byte[][]{MULTI});
            return fresh;
        });
        if (owners == null) {
            select(state, plan.targetDb(db < 0 ? 0 : db));
        }
        state.commands.add(command);
    }

    private static void select(PipeState state, int want) {
        if (state.selected != want) {
            state.commands.add(new byte[][]{SELECT, ascii(Integer.toString(want))});
            state.selected = want;
        }
    }

    private int pendingCommands() {
        int n = 0;
        for (PipeState s : pending.values()) {
            n += s.commands.size();
        }
        return n;
    }

    private RespPipe pipe(String at) {
        return pipes.computeIfAbsent(at, a -> {
            dev.cachectl.config.Endpoint endpoint = a.isEmpty() ? plan.target() : nodeEndpoint(a);
            // as the snapshot's writers: a transaction of many writes takes longer to answer than one command
            return RespPipe.open("target", endpoint, plan.timeouts().reply(), plan.timeouts().snapshot(),
                    "cachectl-live-target-" + (a.isEmpty() ? "0" : a));
        });
    }

    private dev.cachectl.config.Endpoint nodeEndpoint(String address) {
        for (SourceNode n : owners) {
            if (n != null && n.address().equals(address)) {
                return n.endpoint();
            }
        }
        throw new CachectlException(ExitCode.FAILED, "target node " + address + " no longer serves any slot of "
                + plan.target() + ": the cluster changed during the live follow; --resume goes on with its new layout");
    }

    /** The target node whose pipe carries the transaction of {@code slot}. */
    private String nodeOf(int slot) {
        if (slot == STANDALONE) {
            return "";
        }
        SourceNode owner = owners[slot];
        if (owner == null) {
            throw new CachectlException(ExitCode.FAILED, "no master of " + plan.target() + " serves hash slot " + slot
                    + " (the cluster changed during the live follow): fix the target cluster, then --resume");
        }
        return owner.address();
    }

    /** Sends what is encoded; the target's answers move the applied offset to {@code offset}, in order. */
    private void flush(long offset) {
        Batch batch = new Batch(offset, db);
        Map<String, List<byte[][]>> byNode = new LinkedHashMap<>();
        byte[] position = ascii(replicationId + " " + offset + " " + db);
        for (Map.Entry<Integer, PipeState> part : pending.entrySet()) {
            PipeState state = part.getValue();
            if (owners == null) {
                select(state, markerDb());
            }
            state.commands.add(new byte[][]{SET, markerKey(node.address(), part.getKey()), position});
            state.commands.add(new byte[][]{EXEC});
            byNode.computeIfAbsent(nodeOf(part.getKey()), n -> new ArrayList<>()).addAll(state.commands);
        }
        pending.clear();
        batch.parts.set(byNode.size() + 1);
        synchronized (unacknowledged) {
            unacknowledged.add(batch);
        }
        for (Map.Entry<String, List<byte[][]>> part : byNode.entrySet()) {
            RespPipe pipe = pipe(part.getKey());
            RespWriter out = pipe.encoder();
            for (byte[][] command : part.getValue()) {
                out.array(command.length);
                for (byte[] arg : command) {
                    out.bulk(arg);
                }
            }
            if (!pipe.send(part.getValue().size(), new Replies(part.getValue(), batch))) {
                throw new CachectlException(ExitCode.DOWN, pipe.lost());
            }
        }
        partDone(batch);
    }

    private void partDone(Batch batch) {
        if (batch.parts.decrementAndGet() > 0) {
            return;
        }
        synchronized (unacknowledged) {
            while (!unacknowledged.isEmpty() && unacknowledged.peekFirst().parts.get() == 0) {
                Batch done = unacknowledged.pollFirst();
                appliedDb = done.db;
                applied = done.endOffset;
            }
        }
    }

    /** The db of a standalone target that holds the marker: the first one the job writes. */
    private int markerDb() {
        return plan.targetDb(plan.sourceDbs().isEmpty() ? 0 : plan.sourceDbs().get(0));
    }

    /** Per hash slot, a hash tag that puts a key in it: {@code {tag}} hashes to slot i. Made once, on first use. */
    private static final class SlotTags {
        static final String[] TAGS = new String[16384];

        static {
            int missing = TAGS.length;
            for (int n = 0; missing > 0; n++) {
                String tag = Integer.toString(n, 36);
                int slot = JedisClusterCRC16.getSlot(tag);
                if (TAGS[slot] == null) {
                    TAGS[slot] = tag;
                    missing--;
                }
            }
        }
    }

    /**
     * The key on the target that holds how far {@code source}'s stream is applied: one for a standalone
     * target, one per hash slot of a cluster target, with a hash tag that puts it in that slot.
     */
    static byte[] markerKey(String source, int slot) {
        String name = MARKER_PREFIX + source;
        return ascii(slot == STANDALONE ? name : name + ":{" + SlotTags.TAGS[slot] + "}");
    }

    /**
     * Where a resume of {@code source}'s follow starts, and what the target already holds of the stream
     * after that point. The checkpoint's position lags by up to a second; the target's markers are exact,
     * written with the writes: one for a standalone target, where the resume starts at the marker; one
     * per hash slot of a cluster target, where the resume starts at the checkpoint and each slot skips
     * the writes up to its own marker, so none is applied twice.
     */
    static Resume resumePosition(MigrationPlan plan, Target target, String source, Checkpoint.Live saved) {
        if (saved == null) {
            return null;
        }
        Map<Integer, Long> held = new HashMap<>();
        long start = saved.offset();
        int db = saved.db();
        for (String[] marker : markers(plan, target, source)) {
            if (marker.length == 4 && marker[1].equals(saved.replicationId())) {
                int slot = Integer.parseInt(marker[0]);
                long offset = Long.parseLong(marker[2]);
                held.put(slot, offset);
                if (slot == STANDALONE && offset > start) {
                    start = offset;
                    db = Integer.parseInt(marker[3]);
                }
            }
        }
        return new Resume(new Checkpoint.Live(source, saved.replicationId(), start, db), held);
    }

    /** A resume's starting point, and per target slot ({@link #STANDALONE} for one server) the offset it holds. */
    record Resume(Checkpoint.Live from, Map<Integer, Long> held) {
    }

    /** The markers the target holds for {@code source}: {slot, replid, offset, db}. */
    static List<String[]> markers(MigrationPlan plan, Target target, String source) {
        List<String[]> found = new ArrayList<>();
        if (!target.cluster()) {
            try (Jedis jedis = RedisClients.open(plan.target().withDb(plan.targetDb(plan.sourceDbs().isEmpty() ? 0
                    : plan.sourceDbs().get(0))), plan.timeouts().quick())) {
                byte[] v = jedis.get(markerKey(source, STANDALONE));
                if (v != null) {
                    found.add((STANDALONE + " " + new String(v, StandardCharsets.US_ASCII)).split(" ", -1));
                }
            } catch (JedisException e) {
                throw ConnectionLoss.of("target", plan.target(), e, plan.timeouts().quick());
            }
            return found;
        }
        // every slot's marker by name, pipelined per node: 16384 GETs, no KEYS scan of a big target
        SourceNode[] owners = Topology.slotOwners(target.endpoint(), plan.timeouts().quick());
        bySlotOwner(owners, (node, slots) -> {
            List<redis.clients.jedis.Response<byte[]>> values = new ArrayList<>();
            try (Jedis jedis = RedisClients.open(node.endpoint(), plan.timeouts().atMost(PROBE));
                 redis.clients.jedis.Pipeline p = jedis.pipelined()) {
                slots.forEach(slot -> values.add(p.get(markerKey(source, slot))));
                p.sync();
            } catch (JedisException e) {
                throw ConnectionLoss.of("target", node.endpoint(), e, plan.timeouts().atMost(PROBE));
            }
            for (int i = 0; i < slots.size(); i++) {
                byte[] v = values.get(i).get();
                if (v != null) {
                    found.add((slots.get(i) + " " + new String(v, StandardCharsets.US_ASCII)).split(" ", -1));
                }
            }
        });
        return found;
    }

    /** Calls {@code each} once per master of the cluster with the slots it serves. */
    private static void bySlotOwner(SourceNode[] owners, java.util.function.BiConsumer<SourceNode, List<Integer>> each) {
        Map<String, List<Integer>> slots = new LinkedHashMap<>();
        Map<String, SourceNode> nodes = new HashMap<>();
        for (int slot = 0; slot < owners.length; slot++) {
            if (owners[slot] != null) {
                slots.computeIfAbsent(owners[slot].address(), a -> new ArrayList<>()).add(slot);
                nodes.putIfAbsent(owners[slot].address(), owners[slot]);
            }
        }
        slots.forEach((address, served) -> each.accept(nodes.get(address), served));
    }

    /** At a clean end the markers go: the target then holds exactly the source's keys. */
    void removeMarkers() {
        if (owners == null) {
            try (Target.Session session = target.session()) {
                session.commands(markerDb()).del(markerKey(node.address(), STANDALONE));
            } catch (JedisException e) {
                throw ConnectionLoss.of("target", plan.target(), e, plan.timeouts().reply());
            }
            return;
        }
        // every slot's, whether this run or an interrupted one wrote it
        bySlotOwner(owners, (n, slots) -> {
            try (Jedis jedis = RedisClients.open(n.endpoint(), plan.timeouts().atMost(PROBE));
                 redis.clients.jedis.Pipeline p = jedis.pipelined()) {
                slots.forEach(slot -> p.del(markerKey(node.address(), slot)));
                p.sync();
            } catch (JedisException e) {
                throw ConnectionLoss.of("target", n.endpoint(), e, plan.timeouts().atMost(PROBE));
            }
        });
    }

    /**
     * Matches one connection's answers to the transactions of a batch sent on it. A write the target
     * refuses is a failure with its reason, never silent; a transaction refused whole ({@code EXECABORT}:
     * a command the target does not know, a slot that moved) is applied again command by command, so one
     * bad write costs only itself.
     */
    private final class Replies implements RespPipe.Replies {
        private final List<byte[][]> commands;
        private final Batch batch;
        private final String[] queueErrors;
        private int next;
        /** Where the transaction being answered starts (its MULTI). */
        private int start;

        Replies(List<byte[][]> commands, Batch batch) {
            this.commands = commands;
            this.batch = batch;
            this.queueErrors = new String[commands.size()];
        }

        @Override
        public void reply(int kind, RespReader reader) {
            int index = next++;
            byte[][] command = commands.get(index);
            if (command[0] != EXEC) {
                queueErrors[index] = kind == RespReader.ERROR ? reader.error() : null;
                return;
            }
            int from = start;
            start = index + 1;
            int data = dataCommands(from, index);
            if (kind == RespReader.ARRAY) {
                int errors = reader.arrayErrors();
                totals.applied.add(data - errors);
                if (errors > 0) {
                    totals.failed.add(errors);
                    counters.fail("live: " + reader.arrayFirstError(), "");
                }
                return;
            }
            // EXECABORT: nothing of the transaction was applied
            oneByOne(from, index);
        }

        private int dataCommands(int from, int to) {
            int n = 0;
            for (int i = from; i < to; i++) {
                byte[] name = commands.get(i)[0];
                if (name != MULTI && name != EXEC && name != SELECT && name != SET) {
                    n++;
                }
            }
            return n;
        }

        private void oneByOne(int from, int to) {
            int selected = 0;
            for (int i = from; i < to; i++) {
                byte[][] c = commands.get(i);
                if (c[0] == MULTI || c[0] == EXEC) {
                    continue;
                }
                if (c[0] == SELECT) {
                    selected = Integer.parseInt(new String(c[1], StandardCharsets.US_ASCII));
                    continue;
                }
                String queued = queueErrors[i];
                String error = queued != null && !queued.startsWith("MOVED") && !queued.startsWith("ASK") ? queued
                        : sendOne(c, selected);
                boolean marker = c[0] == SET;
                if (error == null) {
                    if (!marker) {
                        totals.applied.increment();
                    }
                } else if (!marker) {
                    totals.failed.increment();
                    String name = new String(c[0], StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT);
                    counters.fail("live " + name + ": " + error, c.length > 1 ? new String(c[1], StandardCharsets.UTF_8) : "");
                }
            }
        }

        private String sendOne(byte[][] c, int selectedDb) {
            if (owners != null) {
                String name = new String(c[0], StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT);
                return target.sendRedirected(c, c[0] == SET ? new int[]{1} : table.keyIndexes(name, c));
            }
            try (Jedis jedis = RedisClients.open(plan.target().withDb(selectedDb), plan.timeouts().reply())) {
                redis.clients.jedis.commands.ProtocolCommand name = () -> c[0];
                jedis.sendCommand(name, java.util.Arrays.copyOfRange(c, 1, c.length));
                return null;
            } catch (redis.clients.jedis.exceptions.JedisDataException e) {
                return String.valueOf(e.getMessage());
            } catch (JedisException e) {
                throw ConnectionLoss.of("target", plan.target(), e, plan.timeouts().reply());
            }
        }

        @Override
        public void done(String lost, int answered) {
            if (lost != null) {
                failure = new CachectlException(ExitCode.DOWN, lost + " during the live follow (the checkpoint keeps "
                        + "the applied offset: --resume goes on from there)");
                return;
            }
            partDone(batch);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
