package dev.cachectl.redis.rdb;

import dev.cachectl.testing.CachectlHome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LzfTest {
    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void literal_runs_and_overlapping_back_references() throws Exception {
        // "abc", then 9 bytes copied from 3 back (a long copy: 7 + 0 + 2), then "aaaa" from one back
        byte[] in = {2, 'a', 'b', 'c', (byte) 0xE0, 0, 2, 0, 'a', 0x40, 0};
        assertEquals("abcabcabcabcaaaaa", new String(Lzf.decompress(in, 0, in.length, 17), StandardCharsets.US_ASCII));
    }

    @Test
    void a_string_compressed_by_redis_inflates_to_the_original() throws Exception {
        home.run("start", "a").assertOk();
        StringBuilder text = new StringBuilder();
        for (int i = 0; text.length() < 5000; i++) {
            text.append("row ").append(i % 37).append(" of a compressible value; ");
        }
        byte[] value = text.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] dump;
        try (Jedis jedis = new Jedis("127.0.0.1", home.port("a"))) {
            jedis.set("k".getBytes(StandardCharsets.US_ASCII), value);
            dump = jedis.dump("k");
        }
        // type 0, then the LZF string encoding 0xC3, compressed length, original length (both 14-bit here)
        assertEquals(0, dump[0]);
        assertEquals((byte) 0xC3, dump[1]);
        int clen = (dump[2] & 0x3f) << 8 | dump[3] & 0xff;
        int len = (dump[4] & 0x3f) << 8 | dump[5] & 0xff;
        assertEquals(value.length, len);
        assertArrayEquals(value, Lzf.decompress(dump, 6, clen, len));

        byte[] head = new byte[10];
        assertEquals(10, Lzf.prefix(dump, 6, 16, head));
        assertArrayEquals(java.util.Arrays.copyOf(value, 10), head);
    }

    @Test
    void malformed_input_is_a_format_error() {
        // a back reference before anything was written
        byte[] in = {0x20, 5};
        assertThrows(RdbFormatException.class, () -> Lzf.decompress(in, 0, in.length, 3));
        byte[] shortRun = {5, 'a'};
        assertThrows(RdbFormatException.class, () -> Lzf.decompress(shortRun, 0, shortRun.length, 6));
    }
}
