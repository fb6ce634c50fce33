package dev.cachectl.warm.source;

import dev.cachectl.util.Swar;

import java.io.IOException;
import java.io.InputStream;

/**
 * JSON Lines: one object per line. This reader only splits lines; each record keeps a slice of the
 * chunk it was read into and is parsed by whoever reads its fields, so the one reader thread never
 * becomes the bottleneck. What a chunk holds is never written over (records may still point into it), so
 * memory is bounded by the records in flight, and a line longer than {@link #MAX_LINE} is reported, not buffered.
 */
final class JsonLinesSource implements RecordSource {
    static final int MAX_LINE = 16 << 20;
    private static final int CHUNK = 1 << 20;

    private final InputStream in;
    private final String name;
    private byte[] buf = new byte[CHUNK];
    private int pos;
    private int limit;
    private boolean eof;
    /** The run stopped (Ctrl-C, SIGTERM) with everything taken from the pipe read: the end, but a last line without its newline is cut short. */
    private boolean stopped;
    private long line;
    /** A read that failed after this fill had read some bytes: thrown by the next fill, once those are used. */
    private IOException failure;

    JsonLinesSource(InputStream in, String name) {
        this.in = in;
        this.name = name;
    }

    @Override
    public SourceRecord next() {
        while (true) {
            int nl = indexOf(buf, pos, limit);
            if (nl < 0 && !eof) {
                // a line of MAX_LINE bytes is held, with its newline: one byte more without one is too long
                if (limit - pos > MAX_LINE) {
                    return skipLongLine();
                }
                fill();
                continue;
            }
            if (nl < 0 && pos == limit) {
                return null;
            }
            if (nl < 0 && stopped) {
                return cutShort();
            }
            int start = pos;
            int end = nl < 0 ? limit : nl;
            pos = nl < 0 ? limit : nl + 1;
            line++;
            while (start < end && isBlank(buf[start])) {
                start++;
            }
            while (end > start && isBlank(buf[end - 1])) {
                end--;
            }
            if (start < end) {
                return new JsonLineRecord(line, buf, start, end - start);
            }
        }
    }

    /**
     * Reads more after the unfinished line: into the room left in the chunk, or, when it is full, after the line moved
     * to the front of a fresh one. A pipe gives a few lines a read, and a fresh chunk for each of them would hold a
     * megabyte for every line waiting in a batch.
     */
    private void fill() {
        if (limit == buf.length) {
            int partial = limit - pos;
            byte[] next = new byte[Math.max(CHUNK, Math.min(MAX_LINE + 1, partial * 2))];
            System.arraycopy(buf, pos, next, 0, partial);
            buf = next;
            pos = 0;
            limit = partial;
        }
        int before = limit;
        try {
            if (failure != null) {
                throw failure;
            }
            if (line == 0 && limit == 0) {
                skipByteOrderMark();
            }
            while (limit < buf.length) {
                int n = in.read(buf, limit, buf.length - limit);
                if (n < 0) {
                    eof = true;
                    return;
                }
                limit += n;
                if (n > 0 && indexOf(buf, limit - n, limit) >= 0) {
                    return;
                }
            }
        } catch (PipeInput.Stopped e) {
            eof = true;
            stopped = true;
        } catch (IOException e) {
            if (limit > before) {
                // the lines read before the failure are good: they go first, the failure after them
                failure = e;
                return;
            }
            throw new SourceException("cannot read " + name + " after line " + line + ": " + e.getMessage(), e);
        }
    }

    /** A UTF-8 byte-order mark, as some Windows tools write, is not part of the first line. */
    private void skipByteOrderMark() throws IOException {
        int n;
        while (limit < 3 && (n = in.read(buf, limit, 3 - limit)) > 0) {
            limit += n;
        }
        if (limit == 3 && (buf[0] & 0xff) == 0xEF && (buf[1] & 0xff) == 0xBB && (buf[2] & 0xff) == 0xBF) {
            limit = 0;
        }
    }

    /**
     * The line the writer was still writing when the run stopped: not a whole record (a JSON object may end on this
     * line or the next), so it is reported with what was read of it, and not written.
     */
    private SourceRecord cutShort() {
        int bytes = limit - pos;
        pos = limit;
        line++;
        return SourceRecord.malformed(line, "cut short by the stop: the " + bytes + " byte" + (bytes == 1 ? "" : "s")
                + " read of it had no end of line yet; not written");
    }

    /** Drops a line too long to hold, up to its end, and reports it. */
    private SourceRecord skipLongLine() {
        long at = line + 1;
        pos = limit;
        while (true) {
            fill();
            int nl = indexOf(buf, pos, limit);
            if (nl >= 0 || eof) {
                pos = nl < 0 ? limit : nl + 1;
                line++;
                return SourceRecord.malformed(at, "line longer than " + (MAX_LINE >> 20) + " MB");
            }
            pos = limit;
        }
    }

    private static int indexOf(byte[] b, int from, int to) {
        return Swar.indexOf(b, from, to, (byte) '\n');
    }

    private static boolean isBlank(byte b) {
        return b == ' ' || b == '\t' || b == '\r';
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException ignored) {
            // read-only: nothing is lost
        }
        buf = new byte[0];
    }

    @Override
    public String toString() {
        return name + " (JSON Lines)";
    }
}
