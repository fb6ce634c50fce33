package dev.cachectl.redis.copy;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.resps.Tuple;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Keys of every core type with awkward content: every byte value, newlines, empty members and values, unicode. */
final class Samples {
    static final byte[] ALL_BYTES = allBytes();
    static final byte[] NEWLINE = bytes("\n");
    static final byte[] EMPTY = new byte[0];
    static final byte[] UNICODE = bytes("ünïcødé ✓ 𝄞 日本");
    static final List<byte[]> MEMBERS = List.of(ALL_BYTES, NEWLINE, EMPTY, UNICODE, bytes("plain"));
    /** Enough extra elements that the server keeps each collection as a real hash table or quicklist. */
    static final int EXTRA = 300;

    record Sample(byte[] key, String type) {
    }

    private Samples() {
    }

    /** One key of each core type, plus an empty string; every key name holds every byte value. */
    static List<Sample> writeEveryType(Jedis jedis, String prefix) {
        List<Sample> samples = new ArrayList<>();
        byte[] string = key(prefix, "string");
        jedis.set(string, concat(ALL_BYTES, NEWLINE, UNICODE));
        samples.add(new Sample(string, "string"));
        byte[] emptyString = key(prefix, "empty-string");
        jedis.set(emptyString, EMPTY);
        samples.add(new Sample(emptyString, "string"));

        byte[] list = key(prefix, "list");
        jedis.rpush(list, MEMBERS.toArray(byte[][]::new));
        jedis.rpush(list, ALL_BYTES, EMPTY);
        jedis.rpush(list, extra("item-"));
        samples.add(new Sample(list, "list"));

        byte[] set = key(prefix, "set");
        jedis.sadd(set, MEMBERS.toArray(byte[][]::new));
        jedis.sadd(set, extra("member-"));
        samples.add(new Sample(set, "set"));

        byte[] zset = key(prefix, "zset");
        double[] scores = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.1, -3.5e300, 1.0 / 3};
        for (int i = 0; i < MEMBERS.size(); i++) {
            jedis.zadd(zset, scores[i], MEMBERS.get(i));
        }
        Map<byte[], Double> more = new HashMap<>();
        for (byte[] m : extra("z-")) {
            more.put(m, Math.PI * m.length * m[m.length - 1]);
        }
        jedis.zadd(zset, more);
        samples.add(new Sample(zset, "zset"));

        byte[] hash = key(prefix, "hash");
        Map<byte[], byte[]> fields = new LinkedHashMap<>();
        fields.put(ALL_BYTES, EMPTY);
        fields.put(EMPTY, ALL_BYTES);
        fields.put(NEWLINE, UNICODE);
        fields.put(UNICODE, NEWLINE);
        for (byte[] f : extra("field-")) {
            fields.put(f, concat(f, UNICODE));
        }
        jedis.hset(hash, fields);
        samples.add(new Sample(hash, "hash"));

        byte[] stream = key(prefix, "stream");
        writeStream(jedis, stream);
        samples.add(new Sample(stream, "stream"));
        return samples;
    }

    /**
     * Entries with binary fields and a repeated field name, a trimmed head, a deleted newest entry
     * (so the last ID is past every entry), and two groups with pending entries.
     */
    static void writeStream(Jedis jedis, byte[] stream) {
        for (int i = 0; i < EXTRA; i++) {
            jedis.xadd(stream, XAddParams.xAddParams().id((1 + i) + "-" + i), ordered(bytes("n"), bytes(Integer.toString(i))));
        }
        jedis.xadd(stream, XAddParams.xAddParams().id("1000-1"), ordered(ALL_BYTES, EMPTY, NEWLINE, UNICODE));
        jedis.xadd(stream, XAddParams.xAddParams().id("1000-2"), ordered(bytes("f"), bytes("1"), bytes("f"), bytes("2")));
        jedis.xadd(stream, XAddParams.xAddParams().id("2000-0"), ordered(EMPTY, ALL_BYTES));
        jedis.xadd(stream, XAddParams.xAddParams().id("99999-7"), ordered(bytes("gone"), bytes("soon")));
        jedis.sendCommand(() -> bytes("XGROUP"), bytes("CREATE"), stream, bytes("g1"), bytes("0"));
        jedis.sendCommand(() -> bytes("XGROUP"), bytes("CREATE"), stream, concat(bytes("g2 "), UNICODE), bytes("0"));
        jedis.sendCommand(() -> bytes("XREADGROUP"), bytes("GROUP"), bytes("g1"), bytes("alice"), bytes("COUNT"), bytes("12"),
                bytes("STREAMS"), stream, bytes(">"));
        jedis.sendCommand(() -> bytes("XREADGROUP"), bytes("GROUP"), concat(bytes("g2 "), UNICODE), bytes("bob"),
                bytes("COUNT"), bytes("5"), bytes("STREAMS"), stream, bytes(">"));
        jedis.sendCommand(() -> bytes("XTRIM"), stream, bytes("MAXLEN"), bytes(Integer.toString(EXTRA)));
        jedis.xdel(stream, bytes("99999-7"));
    }

    /** Both keys hold the same value: by direct reads, and by {@link ValueDigest}. */
    static void assertSameValue(Jedis expected, byte[] expectedKey, Jedis actual, byte[] actualKey, String type) {
        assertEquals(type, actual.type(actualKey), "type of the copy");
        assertEquals(read(expected, expectedKey, type), read(actual, actualKey, type), type + " value");
        // small chunks, so that the digest too is read in many pieces
        int chunk = actual.type(actualKey).equals("string") || size(actual, actualKey) < 10_000 ? 7 : 5_000;
        var want = ValueDigest.of(expected, expectedKey, chunk);
        assertTrue(want.isPresent(), "no digest for the source " + type);
        assertEquals(want, ValueDigest.of(actual, actualKey, chunk), type + " digest");
    }

    /** Elements in a collection (1 for a string), as the copier counts them. */
    static long size(Jedis jedis, byte[] key) {
        return switch (jedis.type(key)) {
            case "string" -> 1;
            case "list" -> jedis.llen(key);
            case "set" -> jedis.scard(key);
            case "zset" -> jedis.zcard(key);
            case "hash" -> jedis.hlen(key);
            case "stream" -> jedis.xlen(key);
            default -> throw new IllegalArgumentException(jedis.type(key));
        };
    }

    /** Temporary keys the copier left on a server. */
    static Set<String> tempKeys(Jedis jedis) {
        return jedis.keys("*" + StructCopier.TEMP_MARKER + "*");
    }

    /** The value as plain Java values that compare by content. */
    @SuppressWarnings("unchecked")
    static Object read(Jedis jedis, byte[] key, String type) {
        return switch (type) {
            case "string" -> ByteBuffer.wrap(jedis.get(key));
            case "list" -> jedis.lrange(key, 0, -1).stream().map(ByteBuffer::wrap).toList();
            case "set" -> {
                Set<ByteBuffer> members = new HashSet<>();
                jedis.smembers(key).forEach(m -> members.add(ByteBuffer.wrap(m)));
                yield members;
            }
            case "zset" -> {
                List<Map.Entry<ByteBuffer, Double>> members = new ArrayList<>();
                for (Tuple t : jedis.zrangeWithScores(key, 0, -1)) {
                    members.add(Map.entry(ByteBuffer.wrap(t.getBinaryElement()), t.getScore()));
                }
                yield members;
            }
            case "hash" -> {
                Map<ByteBuffer, ByteBuffer> fields = new HashMap<>();
                jedis.hgetAll(key).forEach((f, v) -> fields.put(ByteBuffer.wrap(f), ByteBuffer.wrap(v)));
                yield fields;
            }
            case "stream" -> {
                List<Object> entries = new ArrayList<>();
                for (StreamReplies.Entry e : StreamReplies.entries(
                        jedis.xrange(key, bytes("-"), bytes("+")))) {
                    entries.add(ByteBuffer.wrap(e.id()));
                    entries.add(e.fields().stream().map(ByteBuffer::wrap).toList());
                }
                yield entries;
            }
            default -> throw new IllegalArgumentException(type);
        };
    }

    /** Fields and values in this order; byte[] keys compare by identity, so a repeated field name stays. */
    static Map<byte[], byte[]> ordered(byte[]... fieldsAndValues) {
        Map<byte[], byte[]> map = new LinkedHashMap<>();
        for (int i = 0; i < fieldsAndValues.length; i += 2) {
            map.put(fieldsAndValues[i], fieldsAndValues[i + 1]);
        }
        return map;
    }

    static byte[] key(String prefix, String name) {
        return concat(bytes(prefix + ":" + name + ":"), ALL_BYTES);
    }

    static byte[][] extra(String prefix) {
        byte[][] members = new byte[EXTRA][];
        for (int i = 0; i < EXTRA; i++) {
            members[i] = bytes(prefix + i);
        }
        return members;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(byte[]... parts) {
        ByteBuffer b = ByteBuffer.allocate(java.util.Arrays.stream(parts).mapToInt(p -> p.length).sum());
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }

    private static byte[] allBytes() {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        return all;
    }
}
