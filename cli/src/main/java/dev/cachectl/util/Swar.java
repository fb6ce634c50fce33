package dev.cachectl.util;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Byte searches eight bytes at a time ("SIMD within a register"): a {@code long} read from the array
 * is tested for every byte at once. The JVM we run compiles with C1 only (see the launcher), which does
 * not vectorise a byte loop; warm's line splitting and JSON scanning went about three times faster this
 * way. A test gives flags: the high bit of each byte that matched, read little-endian, so the lowest flag
 * is the first match in the array. Flags above the first true one may be false (a borrow carries up), so
 * only the first is ever used.
 */
public final class Swar {
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH = 0x8080808080808080L;

    private Swar() {
    }

    /** Eight bytes from {@code i} as one word, the byte at {@code i} lowest. */
    public static long word(byte[] b, int i) {
        return (long) LONG.get(b, i);
    }

    /** {@code c} in each of the eight bytes of a word. */
    public static long broadcast(int c) {
        return (c & 0xff) * ONES;
    }

    /** Flags the bytes of {@code word} equal to the byte {@code pattern} is a broadcast of. */
    public static long equal(long word, long pattern) {
        long x = word ^ pattern;
        return (x - ONES) & ~x & HIGH;
    }

    /** Flags the bytes of {@code word} below {@code n} (at most 0x80), {@code n} as a broadcast. */
    public static long below(long word, long n) {
        return (word - n) & ~word & HIGH;
    }

    /** The offset in its word of the first flagged byte; {@code flags} must not be 0. */
    public static int first(long flags) {
        return Long.numberOfTrailingZeros(flags) >>> 3;
    }

    /** The index of the first {@code c} in {@code b[from, to)}, or -1. */
    public static int indexOf(byte[] b, int from, int to, byte c) {
        long pattern = broadcast(c);
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            long flags = equal(word(b, i), pattern);
            if (flags != 0) {
                return i + first(flags);
            }
        }
        for (; i < to; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }
}
