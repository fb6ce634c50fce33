package dev.cachectl.redis.rdb;

/**
 * LZF decompression (the liblzf format in which Redis stores compressed RDB strings). A control byte
 * below 32 starts a run of that many plus one literal bytes; otherwise its top 3 bits are a copy
 * length minus 2 (7 means "add the next byte") and its low 5 bits with the following byte an offset
 * minus 1 back into the output.
 */
public final class Lzf {
    private Lzf() {
    }

    /**
     * Decompresses {@code in[inOff, inOff+inLen)} into exactly {@code outLen} bytes.
     *
     * @throws RdbFormatException when the input is malformed or does not decompress to {@code outLen} bytes
     */
    public static byte[] decompress(byte[] in, int inOff, int inLen, int outLen) throws RdbFormatException {
        byte[] out = new byte[outLen];
        int n = decode(in, inOff, inLen, out, outLen, false);
        if (n != outLen) {
            throw new RdbFormatException("LZF data decompresses to " + n + " bytes, " + outLen + " expected");
        }
        return out;
    }

    /**
     * Decompresses only the first {@code out.length} bytes or fewer when the input runs out first (enough
     * to read a ziplist's or listpack's header without inflating the whole value); returns how many.
     */
    public static int prefix(byte[] in, int inOff, int inLen, byte[] out) throws RdbFormatException {
        return decode(in, inOff, inLen, out, out.length, true);
    }

    private static int decode(byte[] in, int inOff, int inLen, byte[] out, int outLen, boolean partial)
            throws RdbFormatException {
        int ip = inOff;
        int inEnd = inOff + inLen;
        int op = 0;
        while (ip < inEnd && op < outLen) {
            int ctrl = in[ip++] & 0xff;
            if (ctrl < 32) {
                int run = ctrl + 1;
                if (ip + run > inEnd) {
                    if (!partial) {
                        throw new RdbFormatException("LZF literal run past the end of the input");
                    }
                    run = inEnd - ip;
                }
                if (op + run > outLen) {
                    if (!partial) {
                        throw new RdbFormatException("LZF output longer than the declared length");
                    }
                    run = outLen - op;
                }
                System.arraycopy(in, ip, out, op, run);
                ip += run;
                op += run;
                continue;
            }
            int len = ctrl >>> 5;
            if (len == 7) {
                if (ip >= inEnd) {
                    return truncated(partial, op);
                }
                len += in[ip++] & 0xff;
            }
            if (ip >= inEnd) {
                return truncated(partial, op);
            }
            int ref = op - ((ctrl & 0x1f) << 8) - (in[ip++] & 0xff) - 1;
            if (ref < 0) {
                throw new RdbFormatException("LZF back reference before the start of the output");
            }
            len += 2;
            if (op + len > outLen) {
                if (!partial) {
                    throw new RdbFormatException("LZF output longer than the declared length");
                }
                len = outLen - op;
            }
            // byte by byte: a reference may overlap the bytes it produces (a repeated pattern)
            for (int k = 0; k < len; k++) {
                out[op++] = out[ref++];
            }
        }
        if (!partial && ip != inEnd) {
            throw new RdbFormatException("LZF input continues past the declared length");
        }
        return op;
    }

    private static int truncated(boolean partial, int op) throws RdbFormatException {
        if (partial) {
            return op;
        }
        throw new RdbFormatException("LZF back reference past the end of the input");
    }
}
