package dev.cachectl.warm.source;

import dev.cachectl.util.Threads;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Stdin or another pipe, read by a thread of its own. A read of a pipe waits for its writer and nothing cuts that
 * wait short (not an interrupt, not a close), so read directly a silent writer (a slow export, a pipe left open)
 * would keep a run from stopping on Ctrl-C or SIGTERM, and the records already read from being sent. Here a read
 * that has waited {@link #IDLE_MILLIS} for more gives up when the run is stopping, and otherwise runs the idle task
 * (the warm sends the records it holds) and waits again. Regular files never make a read wait: they are read directly.
 * What the thread took from the pipe cannot be read again, so once the run is stopping it reads no more, and the reads
 * here still give what it took, then end with {@link Stopped}: the records in it are written like the others, and a
 * record cut short is reported, not dropped unsaid.
 */
final class PipeInput extends InputStream {
    static final long IDLE_MILLIS = 150;
    private static final int CHUNK = 1 << 16;
    /** Chunks read ahead of the run: memory stays bounded when the writer is faster. */
    private static final int AHEAD = 8;
    private static final Object END = new Object();
    /** The reading thread saw the run stopping and reads no more: what came before it is all there is. */
    private static final Object STOPPED = new Object();

    private final BlockingQueue<Object> chunks = new ArrayBlockingQueue<>(AHEAD);
    private final BooleanSupplier stop;
    private final Thread reader;
    private volatile Runnable idle = () -> { };
    private byte[] chunk = new byte[0];
    private int pos;
    private boolean ended;
    private boolean stopped;
    private IOException failure;

    /** Reads {@code in} until its end; a read here waiting for it ends with an InterruptedIOException once {@code stop} says so. */
    PipeInput(InputStream in, BooleanSupplier stop) {
        this.stop = stop;
        this.reader = Threads.daemon("warm-input", () -> readAll(in));
    }

    /** What runs (on the reading thread) each time a read has waited {@link #IDLE_MILLIS} for more. */
    void whileWaiting(Runnable task) {
        this.idle = task;
    }

    private void readAll(InputStream in) {
        try {
            byte[] buf = new byte[CHUNK];
            Object last = END;
            try {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    if (n > 0) {
                        chunks.put(Arrays.copyOf(buf, n));
                    }
                    if (stop.getAsBoolean()) {
                        last = STOPPED;
                        break;
                    }
                }
            } catch (IOException e) {
                last = e;
            }
            chunks.put(last);
        } catch (InterruptedException e) {
            // closed: no one reads what is left
        }
    }

    @Override
    public int read() throws IOException {
        return fetch() ? chunk[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (!fetch()) {
            return -1;
        }
        int n = Math.min(len, chunk.length - pos);
        System.arraycopy(chunk, pos, b, off, n);
        pos += n;
        return n;
    }

    /** What is surely there: a buffered reader above asks before it reads on, and must not wait while it has bytes to give. */
    @Override
    public int available() {
        return chunk.length - pos;
    }

    /** Until the current chunk has bytes left: false at the end of the input. */
    private boolean fetch() throws IOException {
        while (pos == chunk.length) {
            if (failure != null) {
                throw failure;
            }
            if (ended) {
                return false;
            }
            if (stopped) {
                throw new Stopped();
            }
            Object next;
            try {
                next = chunks.poll(IDLE_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for input");
            }
            if (next == null) {
                if (stop.getAsBoolean()) {
                    // the thread waits for the writer: nothing more was taken from the pipe
                    stopped = true;
                    throw new Stopped();
                }
                idle.run();
            } else if (next == STOPPED) {
                stopped = true;
                throw new Stopped();
            } else if (next == END) {
                ended = true;
            } else if (next instanceof IOException e) {
                failure = e;
            } else {
                chunk = (byte[]) next;
                pos = 0;
            }
        }
        return true;
    }

    /**
     * The run is stopping (Ctrl-C, SIGTERM) and everything taken from the pipe has been read: the end of this input for
     * the run, though not of the pipe. What a source holds of a record that had not ended is to be reported.
     */
    static final class Stopped extends InterruptedIOException {
        Stopped() {
            super("stopped while waiting for input");
        }
    }

    /**
     * Ends the reading thread if it waits to hand on a chunk; one still waiting for the writer ends with the input
     * or the process (it is a daemon). The input itself is left open: a read of it may be under way.
     */
    @Override
    public void close() {
        reader.interrupt();
        chunks.clear();
        ended = true;
        chunk = new byte[0];
        pos = 0;
    }
}
