package dev.cachectl.redis.copy;

import dev.cachectl.util.KeyText;
import redis.clients.jedis.commands.JedisBinaryCommands;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Copies one key command by command, for what DUMP/RESTORE cannot do: a target that rejects the
 * source's DUMP payload (an older server), and a key too big to move in one command. Reads go in
 * chunks (SCAN family, LRANGE, XRANGE, GETRANGE) so that no command blocks either server for long,
 * and writes go into a temporary key in the target key's hash slot which RENAME then swaps into
 * place: readers see the old value or the whole new one, never a half-copied key.
 * <p>
 * A copy in several chunks is not a snapshot: writes to the source key while it runs may or may
 * not be carried. A key that disappears, or changes type, while it is copied is reported
 * {@link Status#VANISHED} and nothing is written. One instance per pair of connections (Jedis
 * connections are not thread-safe).
 */
public final class StructCopier {
    /** Every temporary key's name contains this, so an operator can recognise (and find) leftovers. */
    static final String TEMP_MARKER = "cachectl:tmp:";
    /**
     * A multi-chunk copy keeps a TTL on its temporary key, renewed at every chunk, so that a copier
     * killed mid-copy leaves nothing behind for longer than this.
     */
    static final long LEASE_MILLIS = 10 * 60_000;
    private static final Set<String> TYPES = Set.of("string", "list", "set", "zset", "hash", "stream");

    private final JedisBinaryCommands source;
    private final JedisBinaryCommands target;
    private final ChunkedCopier chunked;
    private final StreamCopier streams;
    private final BooleanSupplier stopping;

    /** source: a connection to the node that holds the key (db already selected); target: standalone or cluster client. */
    public StructCopier(JedisBinaryCommands source, JedisBinaryCommands target, int chunkElements, long chunkBytes) {
        this(source, target, chunkElements, chunkBytes, () -> false);
    }

    /**
     * stopping: asked between chunks; once true, the copy deletes what it wrote and throws
     * {@link dev.cachectl.migrate.UnitCopier.Stopped}.
     */
    public StructCopier(JedisBinaryCommands source, JedisBinaryCommands target, int chunkElements, long chunkBytes,
                        BooleanSupplier stopping) {
        ChunkLimits limits = new ChunkLimits(chunkElements, chunkBytes);
        this.stopping = stopping;
        this.source = source;
        this.target = target;
        this.chunked = new ChunkedCopier(source, target, limits);
        this.streams = new StreamCopier(source, target, limits);
    }

    /**
     * Copies one key by type. type: the source's TYPE reply ("string","list","set","zset","hash","stream", or other).
     * expireAtMillis: absolute unix ms expiry, or 0 for none. replace=false: when the target key exists, copy nothing, return SKIPPED_EXISTING.
     */
    public Outcome copy(byte[] sourceKey, byte[] targetKey, String type, long expireAtMillis, boolean replace) {
        return copy(sourceKey, targetKey, type, expireAtMillis, replace, null);
    }

    /** As above; owner: whose temporary key the copy writes, named the same in every run of a job (null: a random name). */
    Outcome copy(byte[] sourceKey, byte[] targetKey, String type, long expireAtMillis, boolean replace, TempKeys.Owner owner) {
        if (expireAtMillis < 0) {
            throw new IllegalArgumentException("expireAtMillis must be 0 (no expiry) or a unix time: " + expireAtMillis);
        }
        if (type.equals("none") || (expireAtMillis != 0 && expireAtMillis <= System.currentTimeMillis())) {
            return Outcome.of(Status.VANISHED, List.of());
        }
        if (!TYPES.contains(type)) {
            return Outcome.of(Status.UNSUPPORTED,
                    List.of(quoted(sourceKey) + ": type '" + type + "' cannot be copied by type (module type?)"));
        }
        if (!replace && target.exists(targetKey)) {
            return Outcome.of(Status.SKIPPED_EXISTING, List.of());
        }
        KeyCopy.Loop loop = switch (type) {
            case "string" -> chunked::copyString;
            case "list" -> chunked::copyList;
            case "set" -> chunked::copySet;
            case "zset" -> chunked::copySortedSet;
            case "hash" -> chunked::copyHash;
            case "stream" -> streams::copy;
            default -> throw new IllegalStateException("unexpected type " + type);
        };
        return new KeyCopy(source, target, sourceKey, targetKey, type, expireAtMillis, replace, owner, stopping).run(loop);
    }

    /**
     * elements: elements copied (entries of a stream, 1 for a string); bytes: about the payload moved
     * (members, fields and values, without stream IDs or scores' text); notes: what the operator should
     * know, e.g. what a stream lost or that the key was written in place.
     */
    public record Outcome(Status status, long elements, long bytes, List<String> notes) {
        public Outcome {
            notes = List.copyOf(notes);
        }

        static Outcome of(Status status, List<String> notes) {
            return new Outcome(status, 0, 0, notes);
        }
    }

    /**
     * VANISHED: the key was gone (or expired, or became another type) before or during the copy; nothing
     * was written. UNSUPPORTED: not one of the six core types; nothing was written.
     */
    public enum Status { COPIED, SKIPPED_EXISTING, VANISHED, UNSUPPORTED }

    /** A key for a message: as text when it is printable UTF-8, else with \xNN escapes like redis-cli. */
    public static String quoted(byte[] key) {
        String readable = KeyText.readable(key);
        // plain text between single quotes; the rest is already between double ones, escaped
        return readable.startsWith("\"") ? readable : "'" + readable + "'";
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
