package dev.cachectl.redis.rdb;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class Crc64Test {
    @Test
    void redis_test_vector() {
        byte[] b = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0xe9c6d914c4b8d9caL, Crc64.update(0, b, 0, b.length));
    }

    @Test
    void slices_agree_with_byte_at_a_time_at_every_split() {
        byte[] b = new byte[1000];
        new Random(7).nextBytes(b);
        long whole = Crc64.update(0, b, 0, b.length);
        for (int split = 0; split <= 17; split++) {
            long crc = 0;
            for (int i = 0; i < b.length; i += Math.max(1, split)) {
                crc = Crc64.update(crc, b, i, Math.min(Math.max(1, split), b.length - i));
            }
            assertEquals(whole, crc, "split " + split);
        }
    }
}
