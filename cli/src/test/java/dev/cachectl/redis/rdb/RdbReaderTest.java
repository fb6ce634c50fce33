package dev.cachectl.redis.rdb;

import dev.cachectl.testing.CachectlHome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Parses RDB files saved by real servers and checks every key against what the server says of it. */
class RdbReaderTest {
    private static final long NO_LIMIT = 256L << 20;

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    /** One parsed key, copied out of the reader. */
    record Parsed(int db, byte[] key, long expireAt, int type, String typeName, long serialized, long elements,
                  boolean captured, byte[] payload, byte[] string) {
    }

    @Test
    void redis_7_rdb_gives_every_key_its_dump_payload() throws Exception {
        home.run("start", "seven").assertOk();
        try (Jedis jedis = new Jedis("127.0.0.1", home.port("seven"))) {
            assumeTrue(jedis.info("server").contains("redis_version:7."), "needs redis-server 7 on PATH");
            writeEveryType(jedis, true);
            List<Parsed> parsed = parse(save(jedis), NO_LIMIT);
            assertMatchesServer(jedis, parsed);
            assertTrue(parsed.stream().anyMatch(p -> p.type() == 18), "no quicklist 2 in a Redis 7 RDB");
            // 7.0 writes stream v2, 7.2 and later v3
            assertTrue(parsed.stream().anyMatch(p -> p.type() == 19 || p.type() == 21), "no stream v2 in a Redis 7 RDB");
        }
    }

    @Test
    void redis_6_2_rdb_with_ziplists_gives_every_key_its_dump_payload() throws Exception {
        // with no redis-server on PATH, cachectl runs the 6.2 its jar bundles
        home.env().put("PATH", Files.createDirectory(home.workDir().resolve("empty-bin")).toString());
        home.run("start", "six").assertOk();
        try (Jedis jedis = new Jedis("127.0.0.1", home.port("six"))) {
            assertTrue(jedis.info("server").contains("redis_version:6.2."), "the bundled server is 6.2");
            writeEveryType(jedis, false);
            Path file = save(jedis);
            List<Parsed> parsed = parse(file, NO_LIMIT);
            assertMatchesServer(jedis, parsed);
            try (InputStream in = Files.newInputStream(file)) {
                assertEquals(9, new RdbReader(in, 0).version());
            }
            for (int type : new int[] {11, 12, 13, 14, 15}) {
                assertTrue(parsed.stream().anyMatch(p -> p.type() == type), "no RDB type " + type + " in a Redis 6.2 RDB");
            }
        }
    }

    @Test
    void a_value_over_the_capture_limit_is_walked_but_not_kept() throws Exception {
        home.run("start", "a").assertOk();
        try (Jedis jedis = new Jedis("127.0.0.1", home.port("a"))) {
            writeEveryType(jedis, false);
            Path file = save(jedis);
            List<Parsed> full = parse(file, NO_LIMIT);
            List<Parsed> limited = parse(file, 200);
            assertEquals(full.size(), limited.size());
            int skipped = 0;
            for (int i = 0; i < full.size(); i++) {
                Parsed f = full.get(i);
                Parsed l = limited.get(i);
                assertArrayEquals(f.key(), l.key());
                assertEquals(f.serialized(), l.serialized());
                assertEquals(f.elements(), l.elements());
                assertEquals(f.expireAt(), l.expireAt());
                assertEquals(f.serialized() <= 200, l.captured());
                if (l.captured()) {
                    assertArrayEquals(f.payload(), l.payload());
                } else {
                    skipped++;
                }
            }
            assertTrue(skipped > 5, "too few values over the limit to tell: " + skipped);

            try (InputStream in = Files.newInputStream(file)) {
                RdbReader reader = new RdbReader(in, 200);
                while (reader.next() && reader.captured()) {
                    // up to the first value too big to keep
                }
                assertThrows(IllegalStateException.class, reader::dumpPayload);
            }
        }
    }

    @Test
    void a_stream_cut_short_is_an_eof_and_garbage_a_format_error() throws Exception {
        home.run("start", "a").assertOk();
        byte[] rdb;
        try (Jedis jedis = new Jedis("127.0.0.1", home.port("a"))) {
            writeEveryType(jedis, false);
            rdb = Files.readAllBytes(save(jedis));
        }
        for (int cut : new int[] {5, 9, 20, rdb.length / 3, rdb.length / 2, rdb.length - 9, rdb.length - 1}) {
            byte[] part = Arrays.copyOf(rdb, cut);
            assertThrows(EOFException.class, () -> parse(part, NO_LIMIT), "cut at " + cut + " of " + rdb.length);
        }

        RdbFormatException notRdb = assertThrows(RdbFormatException.class,
                () -> parse("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII), NO_LIMIT));
        assertTrue(notRdb.getMessage().startsWith("not an RDB stream"), notRdb.getMessage());
        RdbFormatException preGa = assertThrows(RdbFormatException.class,
                () -> parse(concat(header(), new byte[] {6, 1, 'x', 0}), NO_LIMIT));
        assertEquals("unsupported RDB type 6 (pre-GA module) at key 'x'", preGa.getMessage());
        RdbFormatException unknownType = assertThrows(RdbFormatException.class,
                () -> parse(concat(header(), new byte[] {40, 1, 'y', 0}), NO_LIMIT));
        assertEquals("unsupported RDB type 40 at key 'y'", unknownType.getMessage());
        RdbFormatException badLength = assertThrows(RdbFormatException.class,
                () -> parse(concat(header(), new byte[] {1, 1, 'z', (byte) 0x85}), NO_LIMIT));
        assertTrue(badLength.getMessage().contains("unknown length encoding 0x85"), badLength.getMessage());
        assertThrows(RdbFormatException.class, () -> parse(concat(header(), new byte[] {(byte) 0xF0}), NO_LIMIT));
    }

    private static byte[] header() {
        return "REDIS0009".getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static Path save(Jedis jedis) {
        Path file = Path.of(jedis.configGet("dir").get("dir"), jedis.configGet("dbfilename").get("dbfilename"));
        assertEquals("OK", jedis.save());
        return file;
    }

    private static List<Parsed> parse(Path file, long limit) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, limit);
        }
    }

    private static List<Parsed> parse(byte[] rdb, long limit) throws IOException {
        return parse(new ByteArrayInputStream(rdb), limit);
    }

    private static List<Parsed> parse(InputStream in, long limit) throws IOException {
        RdbReader reader = new RdbReader(in, limit);
        List<Parsed> out = new ArrayList<>();
        while (reader.next()) {
            boolean captured = reader.captured();
            out.add(new Parsed(reader.db(), reader.key(), reader.expireAtMillis(), reader.type(), reader.typeName(),
                    reader.serializedBytes(), reader.elements(), captured,
                    captured ? reader.dumpPayload() : null,
                    captured && reader.type() == 0 ? reader.stringValue() : null));
        }
        assertFalse(reader.next(), "next() after the end");
        assertEquals(-1, in.read(), "bytes left after the EOF opcode and checksum");
        return out;
    }

    private static void assertMatchesServer(Jedis jedis, List<Parsed> parsed) {
        Map<Integer, Long> perDb = new HashMap<>();
        long now = System.currentTimeMillis();
        for (Parsed p : parsed) {
            String name = "'" + RdbReader.printable(p.key(), 0, p.key().length) + "' in db " + p.db();
            perDb.merge(p.db(), 1L, Long::sum);
            jedis.select(p.db());
            assertEquals(jedis.type(p.key()), p.typeName(), name);
            assertTrue(p.captured(), name);
            assertArrayEquals(jedis.dump(p.key()), p.payload(), name + " (RDB type " + p.type() + ")");
            assertEquals(p.payload().length - 10, p.serialized(), name);
            long pttl = jedis.pttl(p.key());
            if (p.expireAt() == 0) {
                assertEquals(-1, pttl, name);
            } else {
                assertTrue(Math.abs(p.expireAt() - now - pttl) < 2000, name + ": expires at " + p.expireAt() + ", pttl " + pttl);
            }
            if (p.type() == 0) {
                assertArrayEquals(jedis.get(p.key()), p.string(), name);
            }
            if (p.elements() >= 0) {
                assertEquals(size(jedis, p.typeName(), p.key()), p.elements(), name + " (RDB type " + p.type() + ")");
            }
        }
        for (int db = 0; db < 4; db++) {
            jedis.select(db);
            assertEquals(jedis.dbSize(), perDb.getOrDefault(db, 0L), "keys in db " + db);
        }
        jedis.select(0);
        assertTrue(parsed.stream().filter(p -> p.elements() < 0).count() <= 2,
                "element counts unknown too often: " + parsed.stream().filter(p -> p.elements() < 0).map(Parsed::type).toList());
    }

    private static long size(Jedis jedis, String type, byte[] key) {
        return switch (type) {
            case "string" -> 1;
            case "list" -> jedis.llen(key);
            case "set" -> jedis.scard(key);
            case "zset" -> jedis.zcard(key);
            case "hash" -> jedis.hlen(key);
            case "stream" -> jedis.xlen(key);
            default -> -1;
        };
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String[] range(String prefix, int n) {
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            out[i] = prefix + i;
        }
        return out;
    }

    /** Every type in its compact and its big encoding, odd keys and values, expiries, several dbs. */
    static void writeEveryType(Jedis j, boolean redis7) {
        j.flushAll();
        byte[] every = new byte[256];
        for (int i = 0; i < 256; i++) {
            every[i] = (byte) i;
        }
        j.set(b("s:plain"), b("hello"));
        j.set(b("s:int"), b("12345"));
        j.set(b("s:neg"), b("-7"));
        j.set(b("s:int32"), b("-2147483648"));
        j.set(b("s:long"), b("12345678901234"));
        j.set(b("s:empty"), new byte[0]);
        j.set(b("s:bytes"), every);
        j.set(b("s:newlines"), b("a\nb\r\nc\n"));
        j.set(b("s:unicode"), b("héllo ✓ 日本語 🎉"));
        j.set(b("s:lzf"), b("ab".repeat(50)));
        j.set(every, b("key of every byte"));
        j.set(b("key\nwith\r\nnewlines"), b("v"));
        j.set(b("ключ 🗝"), b("unicode key"));
        j.set(new byte[0], b("empty key"));
        j.set(b("12345"), b("int-encoded key"));
        byte[] random = new byte[600_000];
        new Random(1).nextBytes(random);
        j.set(b("s:random-600k"), random);
        j.set(b("s:text-300k"), b("the quick brown fox jumps over the lazy dog ".repeat(7000)));

        j.rpush(b("l:small"), b("a"), b("b"), b("1"), b("-2"), new byte[0], every);
        j.rpush("l:long", range("element number ", 5000));
        j.rpush("l:ints", range("", 300));
        j.sadd("set:ints", "1", "2", "3", "-40", "70000", "5000000000");
        j.sadd("set:ints-big", range("", 600));
        j.sadd("set:small", "a", "b", "c");
        j.sadd("set:big", range("member-", 200));
        j.sadd(b("set:bytes"), every, b("x"));

        j.zadd("z:small", Map.of("a", 1.0, "b", 2.5, "c", -3.25, "inf", Double.POSITIVE_INFINITY, "ninf", Double.NEGATIVE_INFINITY));
        Map<String, Double> big = new HashMap<>();
        for (int i = 0; i < 200; i++) {
            big.put("member-" + i, i / 3.0);
        }
        big.put("inf", Double.POSITIVE_INFINITY);
        j.zadd("z:big", big);
        j.zadd(b("z:long-member"), 1.5, b("m".repeat(100)));

        j.hset("h:small", Map.of("f1", "v1", "f2", "2", "f3", ""));
        Map<String, String> fields = new HashMap<>();
        for (int i = 0; i < 200; i++) {
            fields.put("field-" + i, "value-" + i);
        }
        j.hset("h:big", fields);
        j.hset(b("h:long-value"), b("f"), b("v".repeat(100)));
        j.hset(b("h:bytes"), every, every);

        for (int i = 1; i <= 6; i++) {
            j.sendCommand(Protocol.Command.XADD, "st:groups", i + "-1", "field", "value " + i, "n", String.valueOf(i));
        }
        j.sendCommand(Protocol.Command.XGROUP, "CREATE", "st:groups", "g1", "0");
        j.sendCommand(Protocol.Command.XGROUP, "CREATE", "st:groups", "g2", "$");
        j.sendCommand(Protocol.Command.XREADGROUP, "GROUP", "g1", "alice", "COUNT", "2", "STREAMS", "st:groups", ">");
        j.sendCommand(Protocol.Command.XREADGROUP, "GROUP", "g1", "bob", "COUNT", "3", "STREAMS", "st:groups", ">");
        j.sendCommand(Protocol.Command.XACK, "st:groups", "g1", "1-1");
        j.sendCommand(Protocol.Command.XDEL, "st:groups", "6-1");
        for (int i = 0; i < 450; i++) {
            j.sendCommand(Protocol.Command.XADD, "st:long", "*", "i", String.valueOf(i), "text", "entry " + i);
        }
        j.sendCommand(Protocol.Command.XADD, "st:empty", "MAXLEN", "0", "*", "a", "b");

        j.psetex("t:string", 100_000, "expires");
        j.rpush("t:list", "a", "b");
        j.pexpire("t:list", 3_600_000);
        j.hset("t:hash", "f", "v");
        j.expireAt("t:hash", System.currentTimeMillis() / 1000 + 86_400 * 365);

        j.select(1);
        j.set("db1:a", "1");
        j.psetex("db1:ttl", 50_000, "x");
        j.sadd("db1:set", "a", "b");
        j.select(3);
        j.set("db3:a", "in db 3");
        j.select(0);

        if (redis7) {
            j.sendCommand(Protocol.Command.FUNCTION, "LOAD",
                    "#!lua name=rdbtest\nredis.register_function('one', function(keys, args) return 1 end)");
        }
    }
}
