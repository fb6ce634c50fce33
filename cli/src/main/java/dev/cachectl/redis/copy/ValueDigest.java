package dev.cachectl.redis.copy;

import redis.clients.jedis.commands.JedisBinaryCommands;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.Tuple;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A digest of a key's value that is equal for equal values whatever the server version or the
 * order in which the server keeps them, read in chunks so that neither the server nor this process
 * holds a big value at once. Sets, hashes and sorted sets fold per-element SHA-256 hashes with a
 * sum modulo 2^256 (order-independent); strings, lists and streams hash in order. TTL is not
 * part of it.
 */
public final class ValueDigest {
    /** A read that races with writes to the key is repeated, at most this many times in all. */
    private static final int ATTEMPTS = 3;
    private static final long STRING_CHUNK = 1 << 20;
    private static final BigInteger MODULUS = BigInteger.ONE.shiftLeft(256);
    /** DUMP's footer: RDB version (2 bytes) and CRC64 (8 bytes). */
    private static final int DUMP_FOOTER = 10;

    private ValueDigest() {
    }

    /**
     * Reads the key's value by type, in chunks, and returns a digest that is equal for equal values whatever the server version or internal order; empty when the key does not exist.
     * <p>
     * For a type other than the six core ones (a module type) the digest is of the DUMP payload,
     * which is equal only between servers of one version. When the key keeps changing while it
     * is read, the digest of the last attempt is returned: it describes no value the key had.
     */
    public static Optional<Digest> of(JedisBinaryCommands conn, byte[] key, int chunkElements) {
        if (chunkElements < 1) {
            throw new IllegalArgumentException("chunkElements must be at least 1: " + chunkElements);
        }
        Digest digest = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            String type = conn.type(key);
            if (type.equals("none")) {
                return Optional.empty();
            }
            Reading reading = new Reading(conn, key, chunkElements);
            try {
                digest = reading.digest(type);
            } catch (JedisDataException e) {
                String m = String.valueOf(e.getMessage());
                if (attempt < ATTEMPTS && (m.startsWith("WRONGTYPE") || m.contains("no such key"))) {
                    continue;
                }
                throw e;
            }
            if (digest != null && reading.matchesSize(type, digest)) {
                return Optional.of(digest);
            }
        }
        return Optional.ofNullable(digest);
    }

    public record Digest(String type, long elements, String sha256) {
    }

    /** One pass over the value. */
    private static final class Reading {
        private final JedisBinaryCommands conn;
        private final byte[] key;
        private final int chunkElements;
        private final ScanParams scanParams;
        private long bytesRead;

        Reading(JedisBinaryCommands conn, byte[] key, int chunkElements) {
            this.conn = conn;
            this.key = key;
            this.chunkElements = chunkElements;
            this.scanParams = new ScanParams().count(chunkElements);
        }

        /** The digest, or null when the key vanished under the read. */
        Digest digest(String type) {
            return switch (type) {
                case "string" -> string();
                case "list" -> list();
                case "set" -> unordered(type, c -> conn.sscan(key, c, scanParams), m -> sha(m));
                case "zset" -> unordered(type, c -> conn.zscan(key, c, scanParams), ValueDigest::member);
                case "hash" -> unordered(type, c -> conn.hscan(key, c, scanParams), e -> sha(e.getKey(), e.getValue()));
                case "stream" -> stream();
                default -> dumped(type);
            };
        }

        /** Whether the server still reports the size this pass counted: else the key changed (or SCAN repeated elements). */
        boolean matchesSize(String type, Digest digest) {
            return switch (type) {
                case "string" -> conn.strlen(key) == bytesRead;
                case "list" -> digest.elements() > 0 && conn.llen(key) == digest.elements();
                case "set" -> digest.elements() > 0 && conn.scard(key) == digest.elements();
                case "zset" -> digest.elements() > 0 && conn.zcard(key) == digest.elements();
                case "hash" -> digest.elements() > 0 && conn.hlen(key) == digest.elements();
                case "stream" -> conn.xlen(key) == digest.elements();
                default -> true;
            };
        }

        private Digest string() {
            MessageDigest md = sha256();
            for (long offset = 0; ; offset += STRING_CHUNK) {
                byte[] chunk = conn.getrange(key, offset, offset + STRING_CHUNK - 1);
                md.update(chunk);
                bytesRead += chunk.length;
                if (chunk.length < STRING_CHUNK) {
                    break;
                }
            }
            if (bytesRead == 0 && !conn.exists(key)) {
                return null;
            }
            return new Digest("string", 1, HexFormat.of().formatHex(md.digest()));
        }

        private Digest list() {
            MessageDigest md = sha256();
            long count = 0;
            while (true) {
                List<byte[]> chunk = conn.lrange(key, count, count + chunkElements - 1);
                chunk.forEach(v -> update(md, v));
                count += chunk.size();
                if (chunk.size() < chunkElements) {
                    return new Digest("list", count, HexFormat.of().formatHex(md.digest()));
                }
            }
        }

        private <T> Digest unordered(String type, Function<byte[], ScanResult<T>> scan, Function<T, byte[]> hash) {
            BigInteger sum = BigInteger.ZERO;
            long count = 0;
            byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
            while (true) {
                ScanResult<T> page = scan.apply(cursor);
                for (T element : page.getResult()) {
                    sum = sum.add(new BigInteger(1, hash.apply(element)));
                    count++;
                }
                if (page.isCompleteIteration()) {
                    break;
                }
                cursor = page.getCursorAsBytes();
            }
            byte[] folded = sum.mod(MODULUS).toByteArray();
            byte[] fixed = new byte[32];
            int n = Math.min(folded.length, 32);
            System.arraycopy(folded, folded.length - n, fixed, 32 - n, n);
            return new Digest(type, count, HexFormat.of().formatHex(fixed));
        }

        /** Entries with their IDs in order, then the last generated ID and each group's name and last-delivered ID. */
        private Digest stream() {
            MessageDigest md = sha256();
            long count = 0;
            for (byte[] from = StructCopier.bytes("-"); from != null; ) {
                List<StreamReplies.Entry> chunk = StreamReplies.entries(conn.xrange(key, from, StructCopier.bytes("+"), chunkElements));
                for (StreamReplies.Entry entry : chunk) {
                    update(md, entry.id());
                    md.update(ByteBuffer.allocate(8).putLong(entry.fields().size()).array());
                    entry.fields().forEach(f -> update(md, f));
                }
                count += chunk.size();
                from = chunk.size() < chunkElements ? null : StreamReplies.after(chunk.get(chunk.size() - 1).id());
            }
            Map<String, Object> info = StreamReplies.fields(conn.xinfoStream(key));
            update(md, StreamReplies.bytesOf(info.get("last-generated-id")));
            List<StreamReplies.Group> groups = new ArrayList<>(StreamReplies.groups(conn.xinfoGroups(key)));
            groups.sort(Comparator.comparing(StreamReplies.Group::name, Arrays::compareUnsigned));
            for (StreamReplies.Group group : groups) {
                update(md, group.name());
                update(md, group.lastDeliveredId());
            }
            return new Digest("stream", count, HexFormat.of().formatHex(md.digest()));
        }

        private Digest dumped(String type) {
            byte[] payload = conn.dump(key);
            if (payload == null) {
                return null;
            }
            byte[] body = Arrays.copyOf(payload, Math.max(0, payload.length - DUMP_FOOTER));
            return new Digest(type, 1, HexFormat.of().formatHex(sha256().digest(body)));
        }
    }

    /**
     * A member and its score, the score as its IEEE-754 bits: exact, and the same whichever way a
     * server version prints it (Redis 7.2 prints the shortest form, earlier versions %.17g).
     */
    private static byte[] member(Tuple t) {
        return sha(t.getBinaryElement(), ByteBuffer.allocate(8).putLong(Double.doubleToLongBits(t.getScore())).array());
    }

    /** SHA-256 of the parts, each preceded by its length so that no two splits of the same bytes collide. */
    private static byte[] sha(byte[]... parts) {
        MessageDigest md = sha256();
        for (byte[] part : parts) {
            update(md, part);
        }
        return md.digest();
    }

    private static void update(MessageDigest md, byte[] part) {
        md.update(ByteBuffer.allocate(8).putLong(part.length).array());
        md.update(part);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
