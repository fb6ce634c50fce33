package dev.cachectl.redis.rdb;

import dev.cachectl.util.KeyText;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A streaming reader of the Redis RDB format that hands out, key by key, a DUMP/RESTORE payload for
 * each value without decoding it: the value's encoding is only walked to find where it ends, and its
 * bytes are captured as they pass (up to a size limit). Plain strings are also decoded, so they can
 * be written with SET. Parses from its own buffer; the captured bytes and the decoded string are
 * valid until the next call to {@link #next()}.
 */
public final class RdbReader {
    private static final int BUFFER = 256 << 10;
    private static final int EOF = 0xFF;
    private static final int SELECTDB = 0xFE;
    private static final int EXPIRETIME = 0xFD;
    private static final int EXPIRETIME_MS = 0xFC;
    private static final int RESIZEDB = 0xFB;
    private static final int AUX = 0xFA;
    private static final int FREQ = 0xF9;
    private static final int IDLE = 0xF8;
    private static final int MODULE_AUX = 0xF7;
    private static final int FUNCTION_PRE_GA = 0xF6;
    private static final int FUNCTION2 = 0xF5;
    private static final int SLOT_INFO = 0xF4;
    private static final int KEY_META = 0xF3;
    /** Object types are small numbers; the opcodes count down from 0xFF. */
    private static final int MAX_TYPE = 63;

    private final InputStream in;
    private final long captureLimit;
    private final byte[] buf = new byte[BUFFER];
    private int pos;
    private int lim;
    /** Stream offset of buf[0]. */
    private long bufStart;
    private final int version;
    private boolean done;

    private int db;
    private byte[] key;
    private long expireAt;
    private int type;
    private long serialized;
    private long elements;
    private boolean captured;
    private boolean fieldTtls;

    /** type byte + value bytes of the current key, while it stays within the capture limit. */
    private byte[] cap = new byte[1 << 12];
    private int capLen;
    private boolean capturing;
    /** buf index from which value bytes are not yet copied into {@link #cap}; -1 outside a value. */
    private int mark = -1;
    private final byte[] head = new byte[16];
    private byte[] payload;
    private byte[] string;

    /** captureLimit: a value whose serialization (type byte + value) exceeds this is walked but not kept. */
    public RdbReader(InputStream in, long captureLimit) throws IOException {
        this.in = in;
        this.captureLimit = captureLimit;
        ensure(9);
        boolean magic = buf[0] == 'R' && buf[1] == 'E' && buf[2] == 'D' && buf[3] == 'I' && buf[4] == 'S';
        int v = 0;
        for (int i = 5; i < 9; i++) {
            int d = buf[i] - '0';
            if (d < 0 || d > 9) {
                magic = false;
            }
            v = v * 10 + d;
        }
        if (!magic || v < 1) {
            throw new RdbFormatException("not an RDB stream: it starts with '" + printable(buf, 0, 9) + "', not REDISnnnn");
        }
        version = v;
        pos = 9;
    }

    /**
     * The bytes read from the stream past the RDB's end (its EOF opcode and checksum), once
     * {@link #next()} returned false: what a replication link sends after the snapshot (the end mark
     * of a diskless transfer, then the command stream), read ahead into this reader's buffer.
     */
    public byte[] unread() {
        return java.util.Arrays.copyOfRange(buf, pos, lim);
    }

    /** The RDB version from the header. */
    public int version() {
        return version;
    }

    /** Advances to the next key; false once the EOF opcode and its 8-byte checksum (version >= 5) are consumed. */
    public boolean next() throws IOException {
        if (done) {
            return false;
        }
        key = null;
        payload = null;
        string = null;
        // FREQ, IDLE and expiries describe the key that follows them, and only that one
        expireAt = 0;
        while (true) {
            int op = u8();
            switch (op) {
                case EOF -> {
                    if (version >= 5) {
                        skip(8);
                    }
                    done = true;
                    return false;
                }
                case SELECTDB -> db = (int) length();
                case EXPIRETIME -> {
                    ensure(4);
                    expireAt = leInt(pos) * 1000L;
                    pos += 4;
                }
                case EXPIRETIME_MS -> {
                    ensure(8);
                    expireAt = leLong(pos);
                    pos += 8;
                }
                case RESIZEDB -> {
                    length();
                    length();
                }
                case AUX -> {
                    skipString();
                    skipString();
                }
                case FREQ -> skip(1);
                case IDLE -> length();
                case MODULE_AUX -> {
                    length(); // module id
                    length(); // when-opcode
                    length(); // when
                    skipModuleValue();
                }
                case FUNCTION_PRE_GA -> throw new RdbFormatException(
                        "unsupported RDB opcode 0xF6 (functions of Redis 7.0 release candidates) at offset " + offset());
                case FUNCTION2 -> skipString();
                case SLOT_INFO -> {
                    length(); // slot
                    length(); // keys
                    length(); // keys with an expiry
                }
                case KEY_META -> throw new RdbFormatException(
                        "unsupported RDB opcode 0xF3 (key metadata of Redis 8.6+) at offset " + offset());
                default -> {
                    if (op > MAX_TYPE) {
                        throw new RdbFormatException("unknown RDB opcode 0x" + Integer.toHexString(op) + " at offset " + (offset() - 1));
                    }
                    readKeyValue(op);
                    return true;
                }
            }
        }
    }

    /** The current db (SELECTDB), 0 before any. */
    public int db() {
        return db;
    }

    /** The key, decoded. */
    public byte[] key() {
        return key;
    }

    /** Absolute expiry in ms, 0 when none. */
    public long expireAtMillis() {
        return expireAt;
    }

    /** The RDB object type byte. */
    public int type() {
        return type;
    }

    /** The type as the TYPE command names it; "module" for module types. */
    public String typeName() {
        return switch (type) {
            case 0 -> "string";
            case 1, 10, 14, 18 -> "list";
            case 2, 11, 20 -> "set";
            case 3, 5, 12, 17 -> "zset";
            case 4, 9, 13, 16, 22, 23, 24, 25 -> "hash";
            case 15, 19, 21 -> "stream";
            default -> "module";
        };
    }

    /** Size of the type byte plus the value's serialization. */
    public long serializedBytes() {
        return serialized;
    }

    /** True when {@link #serializedBytes()} is within the capture limit, so the payload is available. */
    public boolean captured() {
        return captured;
    }

    /**
     * The element count when the encoding tells it cheaply (length prefixes, ziplist/listpack/intset
     * headers, a quicklist's node headers), else -1; 1 for a string.
     */
    public long elements() {
        return elements;
    }

    /**
     * True when the key is a hash some of whose fields have their own expiry (Redis 7.4+ HEXPIRE,
     * RDB types 22 to 25): a server older than 7.4 cannot hold those, and a copy to one loses them.
     */
    public boolean fieldTtls() {
        return fieldTtls;
    }

    /**
     * The value as DUMP returns it on the server that wrote the stream: type byte, value bytes, the
     * 2-byte little-endian RDB version and the little-endian CRC-64 of all that precedes it.
     *
     * @throws IllegalStateException when the value was not captured
     */
    public byte[] dumpPayload() {
        requireCaptured();
        if (payload == null) {
            byte[] p = Arrays.copyOf(cap, capLen + 10);
            p[capLen] = (byte) version;
            p[capLen + 1] = (byte) (version >>> 8);
            long crc = Crc64.update(0, p, 0, capLen + 2);
            for (int i = 0; i < 8; i++) {
                p[capLen + 2 + i] = (byte) (crc >>> (8 * i));
            }
            payload = p;
        }
        return payload;
    }

    /**
     * The decoded string of a type-0 value (integers rendered as decimal text, LZF inflated).
     *
     * @throws IllegalStateException when the value was not captured or is not a string
     */
    public byte[] stringValue() throws RdbFormatException {
        requireCaptured();
        if (type != 0) {
            throw new IllegalStateException("the value of '" + printable(key, 0, key.length) + "' is a " + typeName() + ", not a string");
        }
        if (string == null) {
            string = decodeString(cap, 1);
        }
        return string;
    }

    /**
     * How long the decoded string of a type-0 value is, read from its header without inflating it:
     * a compressed string can be many times its serialized size.
     *
     * @throws IllegalStateException when the value was not captured or is not a string
     */
    public long stringLength() throws RdbFormatException {
        requireCaptured();
        if (type != 0) {
            throw new IllegalStateException("the value of '" + printable(key, 0, key.length) + "' is a " + typeName() + ", not a string");
        }
        int[] at = {1};
        int first = cap[at[0]++] & 0xff;
        if ((first >>> 6) != 3) {
            return lengthAt(first, cap, at);
        }
        if ((first & 0x3f) == 3) {
            lengthAt(cap[at[0]++] & 0xff, cap, at);
            return lengthAt(cap[at[0]++] & 0xff, cap, at);
        }
        return stringValue().length;
    }

    private void requireCaptured() {
        if (!captured) {
            throw new IllegalStateException("the value of '" + printable(key, 0, key.length) + "' ("
                    + serialized + " bytes) is over the capture limit of " + captureLimit + " bytes");
        }
    }

    private void readKeyValue(int objectType) throws IOException {
        type = objectType;
        fieldTtls = false;
        key = readString();
        cap[0] = (byte) objectType;
        capLen = 1;
        capturing = captureLimit >= 1;
        long start = offset();
        mark = pos;
        try {
            walkValue(objectType);
        } catch (RdbFormatException e) {
            throw new RdbFormatException(e.getMessage() + " at key '" + printable(key, 0, key.length) + "'");
        }
        flushCapture();
        mark = -1;
        serialized = 1 + offset() - start;
        captured = capturing && serialized <= captureLimit;
    }

    private void walkValue(int t) throws IOException {
        switch (t) {
            case 0 -> {
                skipString();
                elements = 1;
            }
            case 1, 2 -> {
                long n = length();
                for (long i = 0; i < n; i++) {
                    skipString();
                }
                elements = n;
            }
            case 3 -> {
                long n = length();
                for (long i = 0; i < n; i++) {
                    skipString();
                    int len = u8();
                    // 253, 254 and 255 are NaN, +inf and -inf, with no digits after them
                    if (len < 253) {
                        skip(len);
                    }
                }
                elements = n;
            }
            case 4 -> {
                long n = length();
                for (long i = 0; i < n; i++) {
                    skipString();
                    skipString();
                }
                elements = n;
            }
            case 5 -> {
                long n = length();
                for (long i = 0; i < n; i++) {
                    skipString();
                    skip(8);
                }
                elements = n;
            }
            case 6 -> throw new RdbFormatException("unsupported RDB type 6 (pre-GA module)");
            case 7 -> {
                length(); // module id
                skipModuleValue();
                elements = -1;
            }
            case 9 -> {
                int got = container();
                int count = got >= 1 ? head[0] & 0xff : 254;
                // 254 and above: the pairs must be counted one by one
                elements = count < 254 ? count : -1;
            }
            case 10 -> elements = ziplistCount(container());
            case 11 -> {
                int got = container();
                elements = got >= 8 ? leInt(head, 4) & 0xffffffffL : -1;
            }
            case 12, 13 -> elements = half(ziplistCount(container()));
            case 14 -> {
                long nodes = length();
                long sum = 0;
                for (long i = 0; i < nodes; i++) {
                    sum = add(sum, ziplistCount(container()));
                }
                elements = sum;
            }
            case 15, 19, 21 -> walkStream(t);
            case 16, 17 -> elements = half(listpackCount(container()));
            case 18 -> {
                long nodes = length();
                long sum = 0;
                for (long i = 0; i < nodes; i++) {
                    long kind = length();
                    if (kind == 1) {
                        // a PLAIN node: one element too big for a listpack
                        skipString();
                        sum = add(sum, 1);
                    } else if (kind == 2) {
                        sum = add(sum, listpackCount(container()));
                    } else {
                        throw new RdbFormatException("unknown quicklist node container " + kind);
                    }
                }
                elements = sum;
            }
            case 20 -> elements = listpackCount(container());
            case 22, 24 -> {
                if (t == 24) {
                    skip(8); // the smallest field expiry, field TTLs are relative to it
                }
                long n = length();
                for (long i = 0; i < n; i++) {
                    // 0: no expiry (rdb.c rdbSaveObject)
                    fieldTtls |= length() != 0;
                    skipString();
                    skipString();
                }
                elements = n;
            }
            case 23, 25 -> {
                if (t == 25) {
                    // the smallest field expiry, 0 when no field has one (every TTL was removed since)
                    ensure(8);
                    fieldTtls = leLong(pos) != 0;
                    pos += 8;
                } else {
                    fieldTtls = true; // 7.4 release candidates: no summary, and the listpack is not decoded here
                }
                long n = listpackCount(container());
                // field, value, TTL
                elements = n < 0 ? -1 : n / 3;
            }
            default -> throw new RdbFormatException("unsupported RDB type " + t);
        }
    }

    private void walkStream(int t) throws IOException {
        long listpacks = length();
        for (long i = 0; i < listpacks; i++) {
            skipString(); // master entry id
            skipString(); // listpack
        }
        elements = length();
        length(); // last id
        length();
        if (t >= 19) {
            length(); // first id
            length();
            length(); // max deleted id
            length();
            length(); // entries added
        }
        long groups = length();
        for (long g = 0; g < groups; g++) {
            skipString();
            length(); // last delivered id
            length();
            if (t >= 19) {
                length(); // entries read
            }
            long pel = length();
            for (long p = 0; p < pel; p++) {
                skip(16 + 8); // raw id, delivery time
                length(); // delivery count
            }
            long consumers = length();
            for (long c = 0; c < consumers; c++) {
                skipString();
                skip(t >= 21 ? 16 : 8); // seen time, and active time since v3
                skip(16 * length());
            }
        }
    }

    private void skipModuleValue() throws IOException {
        while (true) {
            long op = length();
            if (op == 0) {
                return;
            }
            if (op == 1 || op == 2) {
                length();
            } else if (op == 3) {
                skip(4);
            } else if (op == 4) {
                skip(8);
            } else if (op == 5) {
                skipString();
            } else {
                throw new RdbFormatException("unknown module value opcode " + op);
            }
        }
    }

    private static long half(long n) {
        return n < 0 ? -1 : n / 2;
    }

    private static long add(long sum, long n) {
        return sum < 0 || n < 0 ? -1 : sum + n;
    }

    private long ziplistCount(int got) {
        if (got < 10) {
            return -1;
        }
        int n = (head[8] & 0xff) | (head[9] & 0xff) << 8;
        // 0xFFFF: too many to count in the header
        return n == 0xffff ? -1 : n;
    }

    private long listpackCount(int got) {
        if (got < 6) {
            return -1;
        }
        int n = (head[4] & 0xff) | (head[5] & 0xff) << 8;
        return n == 0xffff ? -1 : n;
    }

    /**
     * Skips a string that holds an encoded container, keeping its first bytes in {@link #head} (inflating
     * only them when it is LZF-compressed); returns how many of them are there.
     */
    private int container() throws IOException {
        int b = u8();
        if ((b >>> 6) != 3) {
            long n = lengthAfter(b);
            int got = (int) Math.min(n, head.length);
            ensure(got);
            System.arraycopy(buf, pos, head, 0, got);
            skip(n);
            return got;
        }
        if ((b & 0x3f) != 3) {
            skipEncoded(b);
            return 0;
        }
        long clen = length();
        length();
        // a compressed stream opens with a literal run, so a few input bytes give the header
        int peek = (int) Math.min(clen, 2 * head.length);
        ensure(peek);
        int got = Lzf.prefix(buf, pos, peek, head);
        skip(clen);
        return got;
    }

    private void skipString() throws IOException {
        int b = u8();
        if ((b >>> 6) == 3) {
            skipEncoded(b);
        } else {
            skip(lengthAfter(b));
        }
    }

    private void skipEncoded(int b) throws IOException {
        switch (b & 0x3f) {
            case 0 -> skip(1);
            case 1 -> skip(2);
            case 2 -> skip(4);
            case 3 -> {
                long clen = length();
                length();
                skip(clen);
            }
            default -> throw new RdbFormatException("unknown string encoding " + (b & 0x3f) + " at offset " + (offset() - 1));
        }
    }

    private byte[] readString() throws IOException {
        int b = u8();
        if ((b >>> 6) != 3) {
            return readBytes(lengthAfter(b));
        }
        switch (b & 0x3f) {
            case 0 -> {
                ensure(1);
                return decimal(buf[pos++]);
            }
            case 1 -> {
                ensure(2);
                short v = (short) ((buf[pos] & 0xff) | (buf[pos + 1] & 0xff) << 8);
                pos += 2;
                return decimal(v);
            }
            case 2 -> {
                ensure(4);
                int v = leInt(pos);
                pos += 4;
                return decimal(v);
            }
            case 3 -> {
                long clen = length();
                long len = length();
                checkSize(len);
                if (clen <= buf.length) {
                    ensure((int) clen);
                    byte[] out = Lzf.decompress(buf, pos, (int) clen, (int) len);
                    pos += (int) clen;
                    return out;
                }
                byte[] compressed = readBytes(clen);
                return Lzf.decompress(compressed, 0, compressed.length, (int) len);
            }
            default -> throw new RdbFormatException("unknown string encoding " + (b & 0x3f) + " at offset " + (offset() - 1));
        }
    }

    private static byte[] decimal(long v) {
        return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }

    private byte[] readBytes(long n) throws IOException {
        checkSize(n);
        byte[] out = new byte[(int) n];
        int done = 0;
        while (done < n) {
            if (pos == lim) {
                refill(1);
            }
            int step = Math.min((int) n - done, lim - pos);
            System.arraycopy(buf, pos, out, done, step);
            pos += step;
            done += step;
        }
        return out;
    }

    private void checkSize(long n) throws RdbFormatException {
        if (n < 0 || n > Integer.MAX_VALUE - 16) {
            throw new RdbFormatException("string of " + Long.toUnsignedString(n) + " bytes is too long to decode at offset " + offset());
        }
    }

    private long length() throws IOException {
        int b = u8();
        if ((b >>> 6) == 3) {
            throw new RdbFormatException("expected a length, found string encoding 0x" + Integer.toHexString(b) + " at offset " + (offset() - 1));
        }
        return lengthAfter(b);
    }

    private long lengthAfter(int b) throws IOException {
        switch (b >>> 6) {
            case 0:
                return b & 0x3f;
            case 1:
                return (b & 0x3f) << 8 | u8();
            default:
                if (b == 0x80) {
                    ensure(4);
                    long v = Integer.toUnsignedLong(beInt(pos));
                    pos += 4;
                    return v;
                }
                if (b == 0x81) {
                    ensure(8);
                    long v = (long) beInt(pos) << 32 | Integer.toUnsignedLong(beInt(pos + 4));
                    pos += 8;
                    // unsigned: a stream stores "unknown" (-1) offsets in lengths
                    return v;
                }
                throw new RdbFormatException("unknown length encoding 0x" + Integer.toHexString(b) + " at offset " + (offset() - 1));
        }
    }

    private int u8() throws IOException {
        if (pos == lim) {
            refill(1);
        }
        return buf[pos++] & 0xff;
    }

    private void skip(long n) throws IOException {
        if (n < 0) {
            throw new RdbFormatException("length " + Long.toUnsignedString(n) + " is too large at offset " + offset());
        }
        while (n > 0) {
            if (pos == lim) {
                refill(1);
            }
            int step = (int) Math.min(n, lim - pos);
            pos += step;
            n -= step;
        }
    }

    /** Makes at least n (at most the buffer's size) bytes available from pos. */
    private void ensure(int n) throws IOException {
        if (lim - pos < n) {
            refill(n);
        }
    }

    private void refill(int n) throws IOException {
        flushCapture();
        int remaining = lim - pos;
        System.arraycopy(buf, pos, buf, 0, remaining);
        bufStart += pos;
        if (mark >= 0) {
            mark = 0;
        }
        pos = 0;
        lim = remaining;
        while (lim < n) {
            int r = in.read(buf, lim, buf.length - lim);
            if (r < 0) {
                throw new EOFException("the RDB stream ended early, at offset " + (bufStart + lim)
                        + (key != null ? " in the value of '" + printable(key, 0, key.length) + "'" : ""));
            }
            lim += r;
        }
    }

    /** Moves the value bytes walked since the mark into the capture, or gives up capturing past the limit. */
    private void flushCapture() {
        if (mark < 0) {
            return;
        }
        int n = pos - mark;
        if (capturing && n > 0) {
            long need = (long) capLen + n;
            if (need > captureLimit || need > Integer.MAX_VALUE - 16) {
                capturing = false;
            } else {
                if (need > cap.length) {
                    cap = Arrays.copyOf(cap, (int) Math.min(Integer.MAX_VALUE - 16, Math.max(need, 2L * cap.length)));
                }
                System.arraycopy(buf, mark, cap, capLen, n);
                capLen += n;
            }
        }
        mark = pos;
    }

    private long offset() {
        return bufStart + pos;
    }

    private int leInt(int at) {
        return leInt(buf, at);
    }

    private static int leInt(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }

    private long leLong(int at) {
        return Integer.toUnsignedLong(leInt(at)) | (long) leInt(at + 4) << 32;
    }

    private int beInt(int at) {
        return (buf[at] & 0xff) << 24 | (buf[at + 1] & 0xff) << 16 | (buf[at + 2] & 0xff) << 8 | (buf[at + 3] & 0xff);
    }

    static String printable(byte[] b, int off, int len) {
        return KeyText.shortened(b, off, len, 64);
    }

    /** Decodes an RDB string (plain, int-encoded or LZF-compressed) serialized whole at b[off]. */
    private static byte[] decodeString(byte[] b, int off) throws RdbFormatException {
        int[] at = {off};
        int first = b[at[0]++] & 0xff;
        if ((first >>> 6) != 3) {
            int n = (int) lengthAt(first, b, at);
            return java.util.Arrays.copyOfRange(b, at[0], at[0] + n);
        }
        int p = at[0];
        switch (first & 0x3f) {
            case 0:
                return decimal(b[p]);
            case 1:
                return decimal((short) ((b[p] & 0xff) | (b[p + 1] & 0xff) << 8));
            case 2:
                return decimal((b[p] & 0xff) | (b[p + 1] & 0xff) << 8 | (b[p + 2] & 0xff) << 16 | (b[p + 3] & 0xff) << 24);
            case 3: {
                int clen = (int) lengthAt(b[at[0]++] & 0xff, b, at);
                int len = (int) lengthAt(b[at[0]++] & 0xff, b, at);
                return Lzf.decompress(b, at[0], clen, len);
            }
            default:
                throw new RdbFormatException("unknown string encoding " + (first & 0x3f));
        }
    }

    private static long lengthAt(int first, byte[] b, int[] at) throws RdbFormatException {
        switch (first >>> 6) {
            case 0:
                return first & 0x3f;
            case 1:
                return (first & 0x3f) << 8 | (b[at[0]++] & 0xff);
            default:
                int n = first == 0x80 ? 4 : first == 0x81 ? 8 : -1;
                if (n < 0) {
                    throw new RdbFormatException("unknown length encoding 0x" + Integer.toHexString(first));
                }
                long v = 0;
                for (int i = 0; i < n; i++) {
                    v = v << 8 | (b[at[0]++] & 0xff);
                }
                return v;
        }
    }
}
