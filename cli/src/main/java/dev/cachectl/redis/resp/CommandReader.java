package dev.cachectl.redis.resp;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads the commands a server sends down a replication link (RESP arrays of bulk strings) and
 * counts the bytes, so that the replication offset after each command is known: the offset a
 * replica acknowledges and a resume asks for. Many commands per socket read.
 */
public final class CommandReader {
    private final InputStream in;
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int lim;
    private long offset;

    /** {@code offset}: the replication offset the first byte of {@code in} follows. */
    public CommandReader(InputStream in, long offset) {
        this.in = in;
        this.offset = offset;
    }

    /** The replication offset after the last command {@link #next()} returned. */
    public long offset() {
        return offset;
    }

    /** True when another command has at least begun to arrive, so reading it will not wait long. */
    public boolean ready() throws IOException {
        return pos < lim || in.available() > 0;
    }

    /** The next command, its name first; blocks until it has arrived whole. */
    public byte[][] next() throws IOException {
        long consumed = 0;
        int type = read();
        consumed++;
        if (type == '\n') {
            // a newline alone is a keep-alive; it counts for nothing, as the server does not count it
            return next();
        }
        if (type != '*') {
            throw new IOException("unexpected byte " + type + " in the replication stream");
        }
        long[] n = new long[1];
        consumed += number(n);
        byte[][] args = new byte[(int) n[0]][];
        for (int i = 0; i < args.length; i++) {
            int t = read();
            consumed++;
            if (t != '$') {
                throw new IOException("unexpected byte " + t + " in the replication stream (a command argument)");
            }
            consumed += number(n);
            byte[] arg = new byte[(int) n[0]];
            readFully(arg);
            consumed += arg.length + 2;
            read();
            read();
            args[i] = arg;
        }
        offset += consumed;
        return args;
    }

    /** Reads digits up to CRLF into {@code out[0]}; returns the bytes consumed. */
    private int number(long[] out) throws IOException {
        long v = 0;
        int used = 0;
        int c;
        while ((c = read()) != '\r') {
            used++;
            v = v * 10 + (c - '0');
        }
        read();
        out[0] = v;
        return used + 2;
    }

    private int read() throws IOException {
        if (pos == lim) {
            fill();
        }
        return buf[pos++];
    }

    private void readFully(byte[] into) throws IOException {
        int off = 0;
        while (off < into.length) {
            if (pos == lim) {
                fill();
            }
            int step = Math.min(into.length - off, lim - pos);
            System.arraycopy(buf, pos, into, off, step);
            pos += step;
            off += step;
        }
    }

    private void fill() throws IOException {
        int n = in.read(buf, 0, buf.length);
        if (n < 0) {
            throw new EOFException("the source closed the replication link");
        }
        pos = 0;
        lim = n;
    }
}
