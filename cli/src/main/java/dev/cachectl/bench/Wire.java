package dev.cachectl.bench;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * The bytes of one non-blocking bench connection, plain ({@link Plain}) or TLS ({@link TlsWire}):
 * {@link RedisLoadLoop} writes commands and reads replies through it and never sees which.
 */
interface Wire {

    SocketChannel channel();

    /** Takes what it can of {@code src} without blocking; returns how many bytes it took. */
    int write(ByteBuffer src) throws IOException;

    /** Bytes taken by {@link #write} but not yet on the socket (a TLS record half sent): wait for OP_WRITE. */
    boolean pending();

    /** Puts what has arrived into {@code dst} without blocking; -1 at end of stream. */
    int read(ByteBuffer dst) throws IOException;

    /** Sends all of {@code src}, waiting at most until {@code deadline} (nanoTime): for the setup, before the load. */
    static void send(Wire wire, ByteBuffer src, long deadline) throws IOException {
        wire.write(src);
        while (src.hasRemaining() || wire.pending()) {
            await(wire.channel(), SelectionKey.OP_WRITE, deadline);
            wire.write(src);
        }
    }

    /** Reads at least one byte into {@code dst}, waiting at most until {@code deadline}; -1 at end of stream. */
    static int receive(Wire wire, ByteBuffer dst, long deadline) throws IOException {
        int n;
        while ((n = wire.read(dst)) == 0) {
            await(wire.channel(), SelectionKey.OP_READ, deadline);
        }
        return n;
    }

    /** Waits for {@code channel} to be ready for {@code op}, failing at {@code deadline}. */
    static void await(SocketChannel channel, int op, long deadline) throws IOException {
        try (Selector selector = Selector.open()) {
            channel.register(selector, op);
            long ms = (deadline - System.nanoTime()) / 1_000_000;
            if (ms <= 0 || selector.select(ms) == 0) {
                throw new SocketTimeoutException("no reply within the timeout");
            }
        }
    }

    /** A plain TCP connection: the channel itself. */
    final class Plain implements Wire {
        private final SocketChannel channel;

        Plain(SocketChannel channel) {
            this.channel = channel;
        }

        @Override
        public SocketChannel channel() {
            return channel;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return channel.write(src);
        }

        @Override
        public boolean pending() {
            return false;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return channel.read(dst);
        }
    }
}
