package dev.cachectl.redis.rdb;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Redis's CRC-64 (Jones polynomial, reflected, initial value 0, no final xor): the checksum that ends
 * a DUMP payload and an RDB file. Slice-by-8, since a copy checksums every captured value.
 */
public final class Crc64 {
    private static final long POLY = 0xad93d23594c935a9L;
    private static final long[][] TABLE = tables();
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private Crc64() {
    }

    /** Continues {@code crc} (0 to start) over {@code len} bytes of {@code b} from {@code off}. */
    public static long update(long crc, byte[] b, int off, int len) {
        long[] t0 = TABLE[0], t1 = TABLE[1], t2 = TABLE[2], t3 = TABLE[3];
        long[] t4 = TABLE[4], t5 = TABLE[5], t6 = TABLE[6], t7 = TABLE[7];
        int i = off;
        int end = off + len;
        for (; end - i >= 8; i += 8) {
            long c = crc ^ (long) LONG_LE.get(b, i);
            crc = t7[(int) c & 0xff] ^ t6[(int) (c >>> 8) & 0xff] ^ t5[(int) (c >>> 16) & 0xff]
                    ^ t4[(int) (c >>> 24) & 0xff] ^ t3[(int) (c >>> 32) & 0xff] ^ t2[(int) (c >>> 40) & 0xff]
                    ^ t1[(int) (c >>> 48) & 0xff] ^ t0[(int) (c >>> 56)];
        }
        for (; i < end; i++) {
            crc = t0[(int) (crc ^ b[i]) & 0xff] ^ (crc >>> 8);
        }
        return crc;
    }

    private static long[][] tables() {
        // reflected arithmetic works on the bit-reversed polynomial
        long reflected = Long.reverse(POLY);
        long[][] t = new long[8][256];
        for (int n = 0; n < 256; n++) {
            long c = n;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? (c >>> 1) ^ reflected : c >>> 1;
            }
            t[0][n] = c;
        }
        for (int k = 1; k < 8; k++) {
            for (int n = 0; n < 256; n++) {
                long prev = t[k - 1][n];
                t[k][n] = (prev >>> 8) ^ t[0][(int) prev & 0xff];
            }
        }
        return t;
    }
}
