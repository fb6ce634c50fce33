package dev.cachectl.redis.resp;

import dev.cachectl.util.Bytes;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/** Encodes commands in RESP into one growing buffer, so a whole batch leaves in one write. */
public final class RespWriter {
    private static final byte[] CRLF = {'\r', '\n'};
    private byte[] buf = new byte[1 << 16];
    private int len;

    public void reset() {
        len = 0;
        if (buf.length > 1 << 22) {
            buf = new byte[1 << 16]; // one huge batch should not pin its buffer for the rest of the run
        }
    }

    public int size() {
        return len;
    }

    /** {@code *N} for a command of N parts; each part then follows as {@link #bulk}. */
    public void array(int parts) {
        ensure(24);
        buf[len++] = '*';
        number(parts);
    }

    public void bulk(byte[] part) {
        bulk(part, 0, part.length);
    }

    public void bulk(Bytes part) {
        bulk(part.array(), part.offset(), part.length());
    }

    public void bulk(byte[] part, int offset, int length) {
        ensure(length + 24);
        buf[len++] = '$';
        number(length);
        System.arraycopy(part, offset, buf, len, length);
        len += length;
        buf[len++] = '\r';
        buf[len++] = '\n';
    }

    /** A non-negative number as a bulk string (a TTL, a db index), without a String in between. */
    public void bulk(long n) {
        ensure(48);
        int digits = 1;
        for (long rest = n / 10; rest > 0; rest /= 10) {
            digits++;
        }
        buf[len++] = '$';
        number(digits);
        number(n);
    }

    public void writeTo(OutputStream out) throws IOException {
        out.write(buf, 0, len);
        out.flush();
    }

    /**
     * Digits and CRLF, without a String in between. Below 65536 (every length but a big value's) by
     * multiplication: the JIT we run (C1) divides by 10 with a division instruction, and a load
     * encodes two lengths a key.
     */
    private void number(long n) {
        if (n >= 0 && n < 65536) {
            int i = (int) n;
            int digits = i < 10 ? 1 : i < 100 ? 2 : i < 1000 ? 3 : i < 10000 ? 4 : 5;
            int at = len + digits;
            do {
                int q = (i * 52429) >>> 19; // i / 10 for every i below 81920
                buf[--at] = (byte) ('0' + i - q * 10);
                i = q;
            } while (i != 0);
            len += digits;
        } else {
            int start = len;
            while (n > 0) {
                buf[len++] = (byte) ('0' + n % 10);
                n /= 10;
            }
            for (int i = start, j = len - 1; i < j; i++, j--) {
                byte t = buf[i];
                buf[i] = buf[j];
                buf[j] = t;
            }
        }
        buf[len++] = CRLF[0];
        buf[len++] = CRLF[1];
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }
}
