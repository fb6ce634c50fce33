package dev.cachectl.redis.copy;

import dev.cachectl.util.KeyText;
import dev.cachectl.migrate.MigrationPlan;
import dev.cachectl.migrate.UnitCopier;
import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.progress.ProgressListener;
import dev.cachectl.redis.ConnectionLoss;
import dev.cachectl.redis.RedisClients;
import dev.cachectl.redis.RedisInfo;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Copies units of keys. Per unit, on the source: one round of PEXPIRETIME (PTTL before Redis 7.0) +
 * MEMORY USAGE, then DUMP in groups capped by size; on the target: one pipelined RESTORE … ABSTTL
 * per group. The expiry is read as an absolute time ({@link SourceReader}), so TTLs do not drift by
 * the transfer time.
 * Keys too big for one DUMP, and payloads the target rejects (older target), go through
 * {@link StructCopier}. Each worker has its own connections.
 */
final class CopyWorker implements AutoCloseable {
    /** A DUMP group is capped so a worker never holds more than this in payloads. */
    private static final long GROUP_BYTES = 8L << 20;

    private final MigrationPlan plan;
    private final Target.Session target;
    private final Counters counters;
    private final ProgressListener progress;
    private final Map<String, Jedis> sources = new HashMap<>();
    private final long suspectBytes;
    /** The stream of the unit being copied: whose node the source reads count against. */
    private StreamProgress current;

    /** Each source node's redis_version (by address), asked once per node. */
    private final Map<String, String> sourceVersions = new HashMap<>();
    private final Target targetServer;
    private final BooleanSupplier stopping;
    /** The job's fingerprint: a big key's temporary key is named after it, so the next run of the job finds its leftover. */
    private final String job;

    /** {@code stopping}: true once the run stops, when a big key's copy gives up between chunks. */
    CopyWorker(MigrationPlan plan, Target target, Counters counters, ProgressListener progress, BooleanSupplier stopping) {
        this.plan = plan;
        this.stopping = stopping;
        this.job = RedisMigration.fingerprint(plan);
        this.targetServer = target;
        this.target = target.session();
        this.counters = counters;
        this.progress = progress;
        // below this a value cannot hold bigKeyElements elements (each costs at least a few bytes)
        this.suspectBytes = Math.min(plan.bigKeyBytes(), Math.max(64L << 10, plan.bigKeyElements() * 8));
    }

    /** Copies {@code keys} of {@code stream}'s node and db (the caller has taken them from the rate limit). */
    void copy(StreamProgress stream, List<byte[]> unitKeys) {
        current = stream;
        Jedis source = source(stream);
        int targetDb = plan.targetDb(stream.db);
        List<byte[]> keys = selectTypes(source, unitKeys);
        List<SourceReader.Read> reads;
        try {
            long dumpLimit = plan.mode() == MigrationPlan.Mode.struct ? -1 : suspectBytes;
            reads = SourceReader.read(source, keys, !plan.source().cluster(),
                    SourceReader.knowsExpireTime(sourceVersion(source)), dumpLimit, GROUP_BYTES);
        } catch (JedisException e) {
            throw ConnectionLoss.of("source", stream.node.endpoint(), e, timeout());
        }
        List<Item> dumped = new ArrayList<>();
        List<Item> toDump = new ArrayList<>();
        List<Item> suspects = new ArrayList<>();
        long now = System.currentTimeMillis();
        String node = stream.node.address();
        for (int i = 0; i < keys.size(); i++) {
            SourceReader.Read read = reads.get(i);
            // PEXPIRETIME (or PTTL) found the key or not; a DUMP in the same read found it (MEMORY USAGE counts nothing)
            counters.ownRead(node, !read.gone());
            if (read.payload() != null) {
                counters.ownRead(node, true);
            }
            if (read.gone() || read.size() == null) {
                counters.expired.increment();
                continue;
            }
            long expireAt = read.expireAt();
            if (expireAt != 0 && expireAt <= now) {
                counters.expired.increment();
                continue;
            }
            Item item = new Item(keys.get(i), plan.selection().rename(keys.get(i)), expireAt, read.size());
            item.payload = read.payload();
            if (item.payload != null) {
                dumped.add(item);
            } else if (plan.mode() == MigrationPlan.Mode.struct || read.size() > suspectBytes) {
                suspects.add(item);
            } else {
                toDump.add(item);
            }
        }
        restore(source, targetDb, dumped);
        for (List<Item> group : groups(toDump)) {
            dumpAndRestore(source, targetDb, group);
        }
        for (Item item : suspects) {
            if (stopping.getAsBoolean()) {
                // key by key, each a command that may wait out the timeout of a server that stopped answering
                throw new UnitCopier.Stopped("stopped before copying " + printable(item.key));
            }
            copySuspect(source, targetDb, item);
        }
    }

    /** With several {@code --type}s SCAN cannot filter (it takes one): ask each key's type. */
    private List<byte[]> selectTypes(Jedis source, List<byte[]> keys) {
        if (plan.selection().types().size() <= 1) {
            return keys;
        }
        Pipeline p = source.pipelined();
        List<Response<String>> types = new ArrayList<>(keys.size());
        keys.forEach(k -> types.add(p.type(k)));
        p.sync();
        List<byte[]> selected = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            counters.ownRead(node(), !types.get(i).get().equals("none"));
            if (plan.selection().types().contains(types.get(i).get())) {
                selected.add(keys.get(i));
            } else {
                counters.scanned.decrement();
            }
        }
        return selected;
    }

    private void dumpAndRestore(Jedis source, int targetDb, List<Item> group) {
        List<Response<byte[]>> dumps = new ArrayList<>(group.size());
        try {
            Pipeline p = source.pipelined();
            for (Item item : group) {
                dumps.add(p.dump(item.key));
            }
            p.sync();
        } catch (JedisException e) {
            throw ConnectionLoss.of("source", plan.source(), e, timeout());
        }
        List<Item> dumped = new ArrayList<>(group.size());
        for (int i = 0; i < group.size(); i++) {
            byte[] payload = dumps.get(i).get();
            counters.ownRead(node(), payload != null);
            if (payload == null) {
                counters.expired.increment();
                continue;
            }
            group.get(i).payload = payload;
            dumped.add(group.get(i));
        }
        restore(source, targetDb, dumped);
    }

    private void restore(Jedis source, int targetDb, List<Item> sent) {
        if (sent.isEmpty()) {
            return;
        }
        List<Target.Restore> ops = new ArrayList<>(sent.size());
        for (Item item : sent) {
            ops.add(new Target.Restore(item.targetKey, item.expireAt, item.payload));
        }
        List<String> errors = target.restore(targetDb, ops, plan.replace());
        long bytes = 0;
        List<Item> copied = new ArrayList<>(sent.size());
        List<Item> rejected = new ArrayList<>();
        CachectlException fatal = null;
        for (int i = 0; i < sent.size(); i++) {
            Item item = sent.get(i);
            String error = errors.get(i);
            if (error == null) {
                counters.copied.increment();
                bytes += item.payload.length;
                copied.add(item);
            } else if (WriteErrors.busyKey(error)) {
                counters.skippedExisting.increment();
            } else if (WriteErrors.payloadRejected(error) && plan.mode() == MigrationPlan.Mode.auto) {
                rejected.add(item);
            } else if (fatal == null) {
                fatal = fatal(error);
                if (fatal == null) {
                    counters.fail(firstLine(error), printable(item.key));
                }
            }
        }
        counters.bytes.add(bytes);
        progress.advanced(sent.size(), bytes);
        // deletions first: what the target acknowledged may leave the source even when the run stops here
        if (plan.deleteSource() && !copied.isEmpty()) {
            SourceDeletion.deleteUnchanged(source, copied.stream().map(it -> new SourceDeletion.Copied(it.key, it.payload)).toList(),
                    counters);
        }
        if (fatal != null) {
            throw fatal;
        }
        for (Item item : rejected) {
            copyByType(source, targetDb, item);
        }
    }

    /** A key whose size may make it big: decide by element count, then dump it or copy it in chunks. */
    private void copySuspect(Jedis source, int targetDb, Item item) {
        String type;
        long elements;
        try {
            type = source.type(item.key);
            elements = switch (type) {
                case "hash" -> source.hlen(item.key);
                case "list" -> source.llen(item.key);
                case "set" -> source.scard(item.key);
                case "zset" -> source.zcard(item.key);
                case "stream" -> source.xlen(item.key);
                case "none" -> -1;
                default -> 0;
            };
        } catch (JedisException e) {
            throw ConnectionLoss.of("source", plan.source(), e, timeout());
        }
        counters.ownRead(node(), elements >= 0);
        if (!type.equals("none") && !type.equals("string")) {
            counters.ownRead(node(), elements > 0); // an existing collection is never empty
        }
        if (elements < 0) {
            counters.expired.increment();
            return;
        }
        boolean big = elements > plan.bigKeyElements() || item.size > plan.bigKeyBytes();
        if (big) {
            counters.bigKeys.increment();
        }
        if (big) {
            copyByType(source, targetDb, item, type, new TempKeys.Owner(job, current.db, item.key));
        } else if (plan.mode() == MigrationPlan.Mode.struct) {
            copyByType(source, targetDb, item, type, null);
        } else {
            dumpAndRestore(source, targetDb, List.of(item));
        }
    }

    private void copyByType(Jedis source, int targetDb, Item item) {
        String type;
        try {
            type = source.type(item.key);
        } catch (JedisException e) {
            throw ConnectionLoss.of("source", plan.source(), e, timeout());
        }
        counters.ownRead(node(), !type.equals("none"));
        copyByType(source, targetDb, item, type, null);
    }

    /** {@code owner}: for a big key, whose temporary key it writes (null: one named at random). */
    private void copyByType(Jedis source, int targetDb, Item item, String type, TempKeys.Owner owner) {
        StructCopier copier = new StructCopier(source, target.commands(targetDb), CHUNK_ELEMENTS, CHUNK_BYTES, stopping);
        StructCopier.Outcome outcome;
        try {
            outcome = copier.copy(item.key, item.targetKey, type, item.expireAt, plan.replace(), owner);
        } catch (JedisConnectionException e) {
            if (plan.target().cluster() && !source.getConnection().isBroken()) {
                throw lostTargetNode(item, e);
            }
            throw lost(source, e);
        } catch (JedisClusterOperationException e) {
            // only the target is a cluster client here: a node that stopped answering is not this key's fault
            CachectlException lost = e.getNode() != null ? ConnectionLoss.of("target", plan.target(), e, timeout()) : lostTargetNode(item, e);
            if (lost.exitCode() == ExitCode.DOWN) {
                throw lost;
            }
            failOrAbort(String.valueOf(e.getMessage()), item);
            return;
        } catch (JedisException e) {
            String message = String.valueOf(e.getMessage());
            failOrAbort(message, item);
            return;
        }
        counters.typeCopies.increment();
        outcome.notes().forEach(counters::notCarried);
        switch (outcome.status()) {
            case COPIED -> {
                counters.copied.increment();
                counters.bytes.add(outcome.bytes());
                if (type.equals("hash")) {
                    carryFieldExpiries(source, targetDb, item);
                }
                if (plan.deleteSource()) {
                    SourceDeletion.deleteIfEqual(source, item.key, target.commands(targetDb), item.targetKey, counters);
                }
            }
            case SKIPPED_EXISTING -> counters.skippedExisting.increment();
            case VANISHED -> counters.expired.increment();
            case UNSUPPORTED -> counters.fail("type " + type + " cannot be copied by type", printable(item.key));
        }
        progress.advanced(1, outcome.bytes());
    }

    /**
     * A type copy writes a hash's fields without their own expiries (Redis 7.4+): set them again on a
     * target that holds them, else name the loss in the summary's "not carried".
     */
    private void carryFieldExpiries(Jedis source, int targetDb, Item item) {
        if (!FieldExpiries.supported(sourceVersion(source))) {
            return;
        }
        boolean targetHolds = targetServer.holdsFieldExpiries();
        long withExpiry;
        try {
            withExpiry = FieldExpiries.copy(source, item.key, target.commands(targetDb), item.targetKey, targetHolds);
        } catch (JedisConnectionException e) {
            throw lost(source, e);
        }
        if (withExpiry > 0 && !targetHolds) {
            counters.notCarried(FieldExpiries.notCarried(targetServer.version()));
        }
    }

    /** How long a reply from either server is waited for ({@code --timeout}). */
    private Duration timeout() {
        return plan.timeouts().reply();
    }

    /** Named by the master of the key's slot: the node that stopped answering, when the client did not say which. */
    private CachectlException lostTargetNode(Item item, JedisException e) {
        return ConnectionLoss.of("target node", targetServer.serverOf(item.targetKey), e, timeout());
    }

    /** A type copy reads the source and writes the target: name the side whose connection broke. */
    private CachectlException lost(Jedis source, JedisConnectionException e) {
        return ConnectionLoss.eitherSide(source, plan.source(), plan.target(), e, timeout());
    }

    private static final int CHUNK_ELEMENTS = 1000;
    private static final long CHUNK_BYTES = 1L << 20;

    private void failOrAbort(String error, Item item) {
        CachectlException fatal = fatal(error);
        if (fatal != null) {
            throw fatal;
        }
        counters.fail(firstLine(error), printable(item.key));
    }

    private CachectlException fatal(String error) {
        return WriteErrors.fatal(plan.target(), error);
    }

    private static String firstLine(String error) {
        return WriteErrors.firstLine(error);
    }

    private List<List<Item>> groups(List<Item> items) {
        List<List<Item>> groups = new ArrayList<>();
        List<Item> current = new ArrayList<>();
        long bytes = 0;
        for (Item item : items) {
            if (!current.isEmpty() && bytes + item.size > GROUP_BYTES) {
                groups.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(item);
            bytes += item.size;
        }
        if (!current.isEmpty()) {
            groups.add(current);
        }
        return groups;
    }

    private Jedis source(StreamProgress stream) {
        return sources.computeIfAbsent(stream.node.address() + "/" + stream.db,
                k -> ConnectionLoss.open("source", stream.node.endpoint().withDb(stream.db), timeout()));
    }

    private String sourceVersion(Jedis source) {
        return sourceVersions.computeIfAbsent(node(), n -> RedisInfo.parse(source.info("server")).get("redis_version"));
    }

    private String node() {
        return current.node.address();
    }

    /** A key as a failure's line names it ({@link KeyText#shortened}). */
    static String printable(byte[] key) {
        return KeyText.shortened(key, 80);
    }

    @Override
    public void close() {
        sources.values().forEach(RedisClients::closeQuietly);
        target.close();
    }

    /** A key on its way: names, absolute expiry, size estimate, and its payload once dumped. */
    private static final class Item {
        final byte[] key;
        final byte[] targetKey;
        final long expireAt;
        final long size;
        byte[] payload;

        Item(byte[] key, byte[] targetKey, long expireAt, long size) {
            this.key = key;
            this.targetKey = targetKey;
            this.expireAt = expireAt;
            this.size = size;
        }
    }
}
