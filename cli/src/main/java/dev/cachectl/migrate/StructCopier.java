package dev.cachectl.migrate;

import dev.cachectl.CachectlException;
import redis.clients.jedis.commands.JedisBinaryCommands;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.Tuple;
import redis.clients.jedis.util.JedisClusterCRC16;
import redis.clients.jedis.util.KeyValue;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

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
    /** Lua's C stack (8000 slots) bounds the arguments one redis.call can take from unpack. */
    private static final int SCRIPT_MAX_FIELDS = 1000;
    private static final byte[] XADD_ALL = bytes("""
            local i = 1
            while i <= #ARGV do
              local n = tonumber(ARGV[i + 1])
              redis.call('XADD', KEYS[1], ARGV[i], unpack(ARGV, i + 2, i + 1 + 2 * n))
              i = i + 2 + 2 * n
            end
            return 0""");
    /** Runs ARGV[2..] as one command with KEYS[1] inserted after the first ARGV[1] words: commands Jedis has no method for. */
    private static final byte[] CALL = bytes("""
            local n = tonumber(ARGV[1])
            local a = {}
            for i = 2, n + 1 do a[#a + 1] = ARGV[i] end
            a[#a + 1] = KEYS[1]
            for i = n + 2, #ARGV do a[#a + 1] = ARGV[i] end
            return redis.call(unpack(a))""");
    private static final byte[] EMPTY_STREAM_GROUP = bytes(TEMP_MARKER + "group");

    private final JedisBinaryCommands source;
    private final JedisBinaryCommands target;
    private final int chunkElements;
    private final long chunkBytes;
    private final ScanParams scanParams;
    /** Cleared when the target rejects a Redis 7 form (XSETID ENTRIESADDED, XGROUP CREATE ENTRIESREAD). */
    private volatile boolean targetKnowsStreamCounters = true;

    /** source: a connection to the node that holds the key (db already selected); target: standalone or cluster client. */
    public StructCopier(JedisBinaryCommands source, JedisBinaryCommands target, int chunkElements, long chunkBytes) {
        if (chunkElements < 1) {
            throw new IllegalArgumentException("chunkElements must be at least 1: " + chunkElements);
        }
        if (chunkBytes < 1 || chunkBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("chunkBytes must be between 1 and 2^31-9: " + chunkBytes);
        }
        this.source = source;
        this.target = target;
        this.chunkElements = chunkElements;
        this.chunkBytes = chunkBytes;
        this.scanParams = new ScanParams().count(chunkElements);
    }

    /**
     * Copies one key by type. type: the source's TYPE reply ("string","list","set","zset","hash","stream", or other).
     * expireAtMillis: absolute unix ms expiry, or 0 for none. replace=false: when the target key exists, copy nothing, return SKIPPED_EXISTING.
     */
    public Outcome copy(byte[] sourceKey, byte[] targetKey, String type, long expireAtMillis, boolean replace) {
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
        return new Copy(sourceKey, targetKey, type, expireAtMillis, replace).run();
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

    /** The state of one key's copy. */
    private final class Copy {
        private final byte[] sourceKey;
        private final byte[] targetKey;
        private final String type;
        private final long expireAtMillis;
        private final boolean replace;
        private final List<String> notes = new ArrayList<>();
        /** Where writes go: the temporary key, or the target itself when the temporary key is not writable. */
        private byte[] dest;
        private boolean attempted;
        private boolean written;
        private boolean leased;
        private boolean done;
        private int reads;
        private long elements;
        private long bytes;

        Copy(byte[] sourceKey, byte[] targetKey, String type, long expireAtMillis, boolean replace) {
            this.sourceKey = sourceKey;
            this.targetKey = targetKey;
            this.type = type;
            this.expireAtMillis = expireAtMillis;
            this.replace = replace;
        }

        Outcome run() {
            dest = tempKeyFor(targetKey);
            try {
                boolean found = switch (type) {
                    case "string" -> copyString();
                    case "list" -> copyList();
                    case "set" -> copyScanned(c -> source.sscan(sourceKey, c, scanParams), m -> m.length,
                            (d, batch) -> target.sadd(d, batch.toArray(byte[][]::new)));
                    case "zset" -> copyScanned(c -> source.zscan(sourceKey, c, scanParams),
                            t -> t.getBinaryElement().length + 8L, (d, batch) -> target.zadd(d, scores(batch)));
                    case "hash" -> copyScanned(c -> source.hscan(sourceKey, c, scanParams),
                            e -> (long) e.getKey().length + e.getValue().length, (d, batch) -> target.hset(d, fields(batch)));
                    case "stream" -> copyStream();
                    default -> throw new IllegalStateException("unexpected type " + type);
                };
                // one read is atomic; after several, the key may have gone (or been replaced) in between
                String now = !found || reads > 1 ? source.type(sourceKey) : type;
                return now.equals(type) && found ? finish() : vanished(now);
            } catch (SourceChanged e) {
                return vanished(source.type(sourceKey));
            } finally {
                if (!done && attempted) {
                    deleteQuietly(dest);
                }
            }
        }

        private Outcome finish() {
            if (leased) {
                long held = cardinality(dest);
                long expected = type.equals("string") ? bytes : elements;
                if (held != expected) {
                    throw CachectlException.failed("copying " + quoted(sourceKey) + ": the temporary key " + quoted(dest)
                            + " holds " + held + " of " + expected + (type.equals("string") ? " bytes" : " elements")
                            + " (its " + LEASE_MILLIS / 60_000 + "-minute lease ran out, or something else wrote to it)");
                }
            }
            if (expireAtMillis != 0) {
                if (expireAtMillis <= System.currentTimeMillis()) {
                    return vanished(type);
                }
                // on the temporary key, so that RENAME brings the TTL along and the target never lacks it
                target.pexpireAt(dest, expireAtMillis);
            } else if (leased) {
                target.persist(dest);
            }
            if (dest != targetKey) {
                try {
                    if (replace) {
                        target.rename(dest, targetKey);
                    } else if (target.renamenx(dest, targetKey) == 0) {
                        return Outcome.of(Status.SKIPPED_EXISTING, List.of());
                    }
                } catch (JedisDataException e) {
                    if (!isNoSuchKey(e)) {
                        throw e;
                    }
                    // the expiry passed between PEXPIREAT and RENAME
                    return vanished(type);
                }
            }
            done = true;
            return new Outcome(Status.COPIED, elements, bytes, notes);
        }

        /** {@code now}: the source key's type now. */
        private Outcome vanished(String now) {
            if (!now.equals("none") && !now.equals(type)) {
                notes.add(quoted(sourceKey) + " became a " + now + " while its " + type + " value was copied: not copied");
            }
            return Outcome.of(Status.VANISHED, notes);
        }

        private boolean copyString() {
            elements = 1;
            for (long offset = 0; ; ) {
                long from = offset;
                byte[] chunk = read(() -> source.getrange(sourceKey, from, from + chunkBytes - 1));
                if (chunk.length == 0 && from > 0) {
                    return true; // the previous chunk ended exactly at the end
                }
                if (chunk.length == 0 && !source.exists(sourceKey)) {
                    return false; // GETRANGE answers "" for a missing key as for an empty string
                }
                write(d -> from == 0 ? target.set(d, chunk) : target.append(d, chunk));
                bytes += chunk.length;
                offset += chunk.length;
                if (chunk.length < chunkBytes) {
                    return true;
                }
                lease();
            }
        }

        private boolean copyList() {
            for (long start = 0; ; ) {
                long from = start;
                List<byte[]> chunk = read(() -> source.lrange(sourceKey, from, from + chunkElements - 1));
                if (chunk.isEmpty()) {
                    return from > 0;
                }
                for (List<byte[]> batch : batches(chunk, v -> v.length)) {
                    write(d -> target.rpush(d, batch.toArray(byte[][]::new)));
                    elements += batch.size();
                    bytes += batch.stream().mapToLong(v -> v.length).sum();
                }
                start += chunk.size();
                if (chunk.size() < chunkElements) {
                    return true;
                }
                lease();
            }
        }

        /** Sets, sorted sets and hashes; {@code add} returns how many elements were new (SCAN may repeat some). */
        private <T> boolean copyScanned(Function<byte[], ScanResult<T>> scan, ToLongFunction<T> size,
                                        BiFunction<byte[], List<T>, Long> add) {
            boolean found = false;
            byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
            while (true) {
                byte[] at = cursor;
                ScanResult<T> page = read(() -> scan.apply(at));
                found |= !page.getResult().isEmpty();
                for (List<T> batch : batches(page.getResult(), size)) {
                    elements += write(d -> add.apply(d, batch));
                    bytes += batch.stream().mapToLong(size).sum();
                }
                if (page.isCompleteIteration()) {
                    return found;
                }
                cursor = page.getCursorAsBytes();
                lease();
            }
        }

        private boolean copyStream() {
            byte[] from = bytes("-");
            while (true) {
                byte[] start = from;
                List<Streams.Entry> chunk = Streams.entries(read(() -> source.xrange(sourceKey, start, bytes("+"), chunkElements)));
                for (List<Streams.Entry> batch : batches(chunk, Streams.Entry::size)) {
                    addEntries(batch);
                }
                from = chunk.size() < chunkElements ? null : Streams.after(chunk.get(chunk.size() - 1).id());
                if (from == null) {
                    break;
                }
                lease();
            }
            // read after the entries, so that the last ID covers every entry copied
            Map<String, Object> info = Streams.fields(read(() -> source.xinfoStream(sourceKey)));
            List<Streams.Group> groups = Streams.groups(read(() -> source.xinfoGroups(sourceKey)));
            if (elements == 0) {
                // a stream can exist with no entries; XGROUP CREATE … MKSTREAM is the one way to make one
                write(d -> {
                    target.xgroupCreate(d, EMPTY_STREAM_GROUP, bytes("0"), true);
                    return target.xgroupDestroy(d, EMPTY_STREAM_GROUP);
                });
            }
            setLastId(info);
            for (Streams.Group group : groups) {
                createGroup(group);
                if (group.pending() > 0) {
                    notes.add("stream " + quoted(sourceKey) + ": " + group.pending() + " pending entries in group "
                            + quoted(group.name()) + " not copied"
                            + (group.consumers() > 0 ? " (nor its " + group.consumers()
                            + (group.consumers() == 1 ? " consumer)" : " consumers)") : ""));
                }
            }
            return true;
        }

        private void addEntries(List<Streams.Entry> batch) {
            List<byte[]> args = new ArrayList<>();
            for (Streams.Entry entry : batch) {
                if (entry.fields().size() / 2 > SCRIPT_MAX_FIELDS) {
                    flushEntries(args);
                    write(d -> target.xadd(d, XAddParams.xAddParams().id(entry.id()), entry.asMap()));
                } else {
                    args.add(entry.id());
                    args.add(bytes(Integer.toString(entry.fields().size() / 2)));
                    args.addAll(entry.fields());
                }
                elements++;
                bytes += entry.size();
            }
            flushEntries(args);
        }

        private void flushEntries(List<byte[]> args) {
            if (!args.isEmpty()) {
                List<byte[]> copy = List.copyOf(args);
                write(d -> target.eval(XADD_ALL, List.of(d), copy));
                args.clear();
            }
        }

        /** Keeps the ID new entries are generated after, even when the source's newest entries were deleted. */
        private void setLastId(Map<String, Object> info) {
            byte[] lastId = Streams.bytesOf(info.get("last-generated-id"));
            Object added = info.get("entries-added");
            Object maxDeleted = info.get("max-deleted-entry-id");
            if (targetKnowsStreamCounters && added != null && maxDeleted != null) {
                try {
                    call(1, bytes("XSETID"), lastId, bytes("ENTRIESADDED"), bytes(added.toString()),
                            bytes("MAXDELETEDID"), Streams.bytesOf(maxDeleted));
                    return;
                } catch (JedisDataException e) {
                    // a server before 7.0 knows only the plain form
                    targetKnowsStreamCounters = false;
                }
            }
            call(1, bytes("XSETID"), lastId);
        }

        private void createGroup(Streams.Group group) {
            if (targetKnowsStreamCounters && group.entriesRead() != null) {
                try {
                    call(2, bytes("XGROUP"), bytes("CREATE"), group.name(), group.lastDeliveredId(),
                            bytes("ENTRIESREAD"), bytes(group.entriesRead().toString()));
                    return;
                } catch (JedisDataException e) {
                    targetKnowsStreamCounters = false;
                }
            }
            write(d -> target.xgroupCreate(d, group.name(), group.lastDeliveredId(), false));
        }

        private void call(int wordsBeforeKey, byte[]... words) {
            List<byte[]> args = new ArrayList<>(words.length + 1);
            args.add(bytes(Integer.toString(wordsBeforeKey)));
            args.addAll(Arrays.asList(words));
            write(d -> target.eval(CALL, List.of(d), args));
        }

        private long cardinality(byte[] key) {
            return switch (type) {
                case "string" -> target.strlen(key);
                case "list" -> target.llen(key);
                case "set" -> target.scard(key);
                case "zset" -> target.zcard(key);
                case "hash" -> target.hlen(key);
                case "stream" -> target.xlen(key);
                default -> throw new IllegalStateException("unexpected type " + type);
            };
        }

        private <R> R read(Supplier<R> command) {
            reads++;
            try {
                return command.get();
            } catch (JedisDataException e) {
                if (isWrongType(e) || isNoSuchKey(e)) {
                    throw new SourceChanged();
                }
                throw e;
            }
        }

        /**
         * A write to the destination. When the first one finds the temporary key forbidden (an ACL that
         * allows only the application's key patterns), the copy goes straight into the target instead.
         */
        private <R> R write(Function<byte[], R> command) {
            attempted = true;
            if (written) {
                return command.apply(dest);
            }
            try {
                R result = command.apply(dest);
                written = true;
                return result;
            } catch (JedisDataException e) {
                if (dest == targetKey || !String.valueOf(e.getMessage()).contains("NOPERM")) {
                    throw e;
                }
                notes.add(quoted(targetKey) + ": written in place, not through a temporary key ("
                        + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + "); readers could see it partly copied");
                dest = targetKey;
                if (replace) {
                    target.del(targetKey);
                }
                R result = command.apply(dest);
                written = true;
                return result;
            }
        }

        private void lease() {
            if (written) {
                target.pexpire(dest, LEASE_MILLIS);
                leased = true;
            }
        }

        private void deleteQuietly(byte[] key) {
            try {
                target.del(key);
            } catch (RuntimeException e) {
                // best effort: a multi-chunk temporary key also carries a lease TTL
            }
        }

        /** Splits a chunk so that no single write carries more than chunkElements elements or about chunkBytes bytes. */
        private <T> List<List<T>> batches(List<T> items, ToLongFunction<T> size) {
            List<List<T>> batches = new ArrayList<>();
            List<T> batch = new ArrayList<>();
            long batchBytes = 0;
            for (T item : items) {
                long n = size.applyAsLong(item);
                if (!batch.isEmpty() && (batch.size() >= chunkElements || batchBytes + n > chunkBytes)) {
                    batches.add(batch);
                    batch = new ArrayList<>();
                    batchBytes = 0;
                }
                batch.add(item);
                batchBytes += n;
            }
            if (!batch.isEmpty()) {
                batches.add(batch);
            }
            return batches;
        }
    }

    private static Map<byte[], Double> scores(List<Tuple> batch) {
        Map<byte[], Double> members = new LinkedHashMap<>();
        batch.forEach(t -> members.put(t.getBinaryElement(), t.getScore()));
        return members;
    }

    private static Map<byte[], byte[]> fields(List<Map.Entry<byte[], byte[]>> batch) {
        // byte[] keys compare by identity, so a field is never merged with another
        Map<byte[], byte[]> fields = new LinkedHashMap<>();
        batch.forEach(e -> fields.put(e.getKey(), e.getValue()));
        return fields;
    }

    /** Thrown by a source read that finds the key gone or of another type. */
    private static final class SourceChanged extends RuntimeException {
        SourceChanged() {
            super(null, null, false, false);
        }
    }

    /**
     * A fresh temporary key in the same cluster hash slot as {@code key}, so that RENAME works on a
     * cluster. The slot comes from the first non-empty {@code {…}} of a key, else from the whole key.
     */
    static byte[] tempKeyFor(byte[] key) {
        String suffix = "}:" + TEMP_MARKER + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        byte[] tag = hashTag(key);
        if (tag == null && key.length > 0 && indexOf(key, (byte) '}', 0) < 0) {
            tag = key;
        }
        if (tag != null) {
            return ByteBuffer.allocate(tag.length + 1 + suffix.length())
                    .put((byte) '{').put(tag).put(bytes(suffix)).array();
        }
        // the whole key decides the slot and a '}' in it keeps it out of any tag: look for a name in that slot
        int slot = JedisClusterCRC16.getSlot(key);
        String prefix = TEMP_MARKER + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()) + ":";
        for (int i = 0; i < 100 * 16384; i++) {
            byte[] candidate = bytes(prefix + i);
            if (JedisClusterCRC16.getSlot(candidate) == slot) {
                return candidate;
            }
        }
        throw new IllegalStateException("no temporary key name found in slot " + slot);
    }

    private static byte[] hashTag(byte[] key) {
        int open = indexOf(key, (byte) '{', 0);
        int close = open < 0 ? -1 : indexOf(key, (byte) '}', open + 1);
        return close > open + 1 ? Arrays.copyOfRange(key, open + 1, close) : null;
    }

    private static int indexOf(byte[] a, byte b, int from) {
        for (int i = from; i < a.length; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** A key for a message: as text when it is printable UTF-8, else with \xNN escapes like redis-cli. */
    static String quoted(byte[] key) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(key)).toString();
            if (text.codePoints().noneMatch(Character::isISOControl)) {
                return "'" + text + "'";
            }
        } catch (CharacterCodingException e) {
            // escaped below
        }
        StringBuilder s = new StringBuilder("\"");
        for (byte b : key) {
            if (b >= 0x20 && b < 0x7f && b != '"' && b != '\\') {
                s.append((char) b);
            } else {
                s.append(String.format("\\x%02x", b & 0xff));
            }
        }
        return s.append('"').toString();
    }

    private static boolean isWrongType(JedisDataException e) {
        return String.valueOf(e.getMessage()).startsWith("WRONGTYPE");
    }

    private static boolean isNoSuchKey(JedisDataException e) {
        return String.valueOf(e.getMessage()).contains("no such key");
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Stream replies in the raw shapes Jedis's binary commands return (RESP2 lists, or RESP3 maps). */
    static final class Streams {
        private Streams() {
        }

        record Entry(byte[] id, List<byte[]> fields) {
            long size() {
                return fields.stream().mapToLong(f -> f.length).sum();
            }

            /** Field names can repeat within an entry; byte[] keys compare by identity, so none is lost. */
            Map<byte[], byte[]> asMap() {
                Map<byte[], byte[]> map = new LinkedHashMap<>();
                for (int i = 0; i + 1 < fields.size(); i += 2) {
                    map.put(fields.get(i), fields.get(i + 1));
                }
                return map;
            }
        }

        record Group(byte[] name, byte[] lastDeliveredId, Long entriesRead, long pending, long consumers) {
        }

        @SuppressWarnings("unchecked")
        static List<Entry> entries(List<Object> xrange) {
            List<Entry> entries = new ArrayList<>(xrange.size());
            for (Object o : xrange) {
                List<Object> e = (List<Object>) o;
                List<byte[]> fields = new ArrayList<>();
                for (Object f : (List<Object>) e.get(1)) {
                    fields.add((byte[]) f);
                }
                entries.add(new Entry((byte[]) e.get(0), fields));
            }
            return entries;
        }

        /** XINFO STREAM (or one group of XINFO GROUPS) by field name. */
        @SuppressWarnings("unchecked")
        static Map<String, Object> fields(Object reply) {
            Map<String, Object> fields = new LinkedHashMap<>();
            if (reply instanceof Map<?, ?> map) {
                map.forEach((k, v) -> fields.put(text(k), v));
                return fields;
            }
            List<Object> list = (List<Object>) reply;
            if (!list.isEmpty() && list.get(0) instanceof KeyValue<?, ?>) {
                list.forEach(kv -> fields.put(text(((KeyValue<?, ?>) kv).getKey()), ((KeyValue<?, ?>) kv).getValue()));
                return fields;
            }
            for (int i = 0; i + 1 < list.size(); i += 2) {
                fields.put(text(list.get(i)), list.get(i + 1));
            }
            return fields;
        }

        static List<Group> groups(List<Object> xinfoGroups) {
            List<Group> groups = new ArrayList<>();
            for (Object reply : xinfoGroups) {
                Map<String, Object> g = fields(reply);
                groups.add(new Group(bytesOf(g.get("name")), bytesOf(g.get("last-delivered-id")),
                        g.get("entries-read") instanceof Long n ? n : null,
                        ((Number) g.get("pending")).longValue(), ((Number) g.get("consumers")).longValue()));
            }
            return groups;
        }

        /** The smallest ID after {@code id} (XRANGE's exclusive "(" needs Redis 6.2), or null after the largest. */
        static byte[] after(byte[] id) {
            String s = new String(id, StandardCharsets.US_ASCII);
            int dash = s.indexOf('-');
            long ms = Long.parseUnsignedLong(s.substring(0, dash));
            long seq = Long.parseUnsignedLong(s.substring(dash + 1));
            if (seq != -1L) {
                return bytes(Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq + 1));
            }
            return ms == -1L ? null : bytes(Long.toUnsignedString(ms + 1) + "-0");
        }

        static byte[] bytesOf(Object value) {
            return value instanceof byte[] b ? b : bytes(String.valueOf(value));
        }

        private static String text(Object value) {
            return value instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(value);
        }
    }
}
