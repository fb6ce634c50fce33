package dev.cachectl.redis.rdb;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hashes whose fields have their own TTLs (Redis 7.4+, RDB types 24 and 25). No server on this
 * machine writes them (7.0 and 6.2 only), so the snapshots are built byte by byte after rdb.c's
 * rdbSaveObject: type 24 is [min expiry, 8 bytes LE][field count][TTL, field, value]... with a TTL
 * of 0 for none and else relative to the min expiry (+1); type 25 is [min expiry, 8 bytes LE, 0 when
 * no field has one][listpack of field, value, absolute TTL or 0].
 */
class RdbFieldTtlTest {
    private static final long AT = 1_893_456_000_000L;

    private final ByteArrayOutputStream rdb = new ByteArrayOutputStream();

    RdbFieldTtlTest() {
        rdb.writeBytes("REDIS0012".getBytes(StandardCharsets.US_ASCII));
        rdb.write(0xFE);
        rdb.write(0);
    }

    private void str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        rdb.write(b.length); // 6-bit length
        rdb.writeBytes(b);
    }

    private static byte[] le64(long v) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (v >>> (8 * i));
        }
        return b;
    }

    /** A listpack of field, value, TTL triplets: TTL 0 as a 7-bit uint, else as a 64-bit int. */
    private static byte[] listpack(Object... entries) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Object e : entries) {
            if (e instanceof String s) {
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                body.write(0x80 | b.length);
                body.writeBytes(b);
                body.write(1 + b.length);
            } else if ((Long) e == 0) {
                body.write(0);
                body.write(1);
            } else {
                body.write(0xF4);
                body.writeBytes(le64((Long) e));
                body.write(9);
            }
        }
        int total = 4 + 2 + body.size() + 1;
        ByteArrayOutputStream lp = new ByteArrayOutputStream();
        lp.writeBytes(new byte[] {(byte) total, (byte) (total >> 8), 0, 0, (byte) entries.length, 0});
        lp.writeBytes(body.toByteArray());
        lp.write(0xFF);
        return lp.toByteArray();
    }

    private void listpackHash(String key, long minExpire, Object... entries) {
        rdb.write(25);
        str(key);
        rdb.writeBytes(le64(minExpire));
        byte[] lp = listpack(entries);
        rdb.write(lp.length); // under 64 bytes here
        rdb.writeBytes(lp);
    }

    private RdbReader reader() throws Exception {
        rdb.write(0xFF);
        rdb.writeBytes(new byte[8]);
        return new RdbReader(new ByteArrayInputStream(rdb.toByteArray()), 1 << 20);
    }

    @Test
    void a_hash_table_with_field_ttls_type_24_is_recognised_and_dumped_whole() throws Exception {
        rdb.write(24);
        str("h24");
        int valueStart = rdb.size();
        rdb.writeBytes(le64(AT));
        rdb.write(2);
        rdb.write(0); // no TTL
        str("f1");
        str("v1");
        rdb.write(1); // AT - AT + 1
        str("f2");
        str("v2");
        byte[] value = Arrays.copyOfRange(rdb.toByteArray(), valueStart, rdb.size());
        rdb.write(0); // a plain string after it: the walk must end exactly where the hash does
        str("s");
        str("x");
        RdbReader r = reader();

        assertTrue(r.next());
        assertEquals("h24", new String(r.key(), StandardCharsets.UTF_8));
        assertEquals("hash", r.typeName());
        assertEquals(2, r.elements());
        assertTrue(r.fieldTtls());
        byte[] payload = r.dumpPayload();
        assertEquals(24, payload[0]);
        assertArrayEquals(value, Arrays.copyOfRange(payload, 1, 1 + value.length));
        assertEquals(12, payload[1 + value.length], "the payload carries the RDB version of the stream");

        assertTrue(r.next());
        assertEquals("s", new String(r.key(), StandardCharsets.UTF_8));
        assertFalse(r.fieldTtls(), "a string has no field TTLs");
        assertFalse(r.next());
    }

    @Test
    void a_listpack_hash_type_25_has_field_ttls_only_while_its_min_expiry_is_set() throws Exception {
        listpackHash("with", AT, "f1", "v1", 0L, "f2", "v2", AT);
        listpackHash("none", 0, "f1", "v1", 0L);
        rdb.write(4); // a plain hash (type 4)
        str("plain");
        rdb.write(1);
        str("f");
        str("v");
        RdbReader r = reader();

        assertTrue(r.next());
        assertEquals("with", new String(r.key(), StandardCharsets.UTF_8));
        assertEquals("hash", r.typeName());
        assertEquals(2, r.elements());
        assertTrue(r.fieldTtls());

        assertTrue(r.next());
        assertEquals("none", new String(r.key(), StandardCharsets.UTF_8));
        assertEquals(1, r.elements());
        assertFalse(r.fieldTtls(), "every field TTL was removed: min expiry 0");

        assertTrue(r.next());
        assertEquals("plain", new String(r.key(), StandardCharsets.UTF_8));
        assertFalse(r.fieldTtls());
        assertFalse(r.next());
    }
}
