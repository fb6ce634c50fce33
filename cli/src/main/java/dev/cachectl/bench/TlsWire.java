package dev.cachectl.bench;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * A TLS connection for the bench event loop: an {@link SSLEngine} between the loop's plain-text
 * buffers and the non-blocking channel, so TLS targets are driven by the same loop, encoder, reply
 * parser and histograms as plain ones (and cost what TLS costs, not a thread per connection).
 * {@code netOut} holds encrypted bytes not yet written (read mode); {@code netIn} encrypted bytes
 * not yet decrypted (write mode). {@code netIn} holds at most one record-sized read, so what one
 * {@link #read} decrypts always fits the loop's 64 KiB reply buffer.
 * <p>
 * Trust is the endpoint's: its CA file, or the JVM's trust store, and, as for cachectl's other
 * TLS connections (Jedis's default), no host-name check beyond the certificate chain.
 */
final class TlsWire implements Wire {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final SocketChannel channel;
    private final SSLEngine engine;
    private final ByteBuffer netOut;
    private final ByteBuffer netIn;

    TlsWire(SocketChannel channel, SSLContext context, String host, int port) {
        this.channel = channel;
        this.engine = context.createSSLEngine(host, port);
        engine.setUseClientMode(true);
        int packet = engine.getSession().getPacketBufferSize();
        this.netOut = ByteBuffer.allocate(packet).flip();
        this.netIn = ByteBuffer.allocate(packet);
    }

    /** The TLS handshake on the non-blocking channel, waiting at most until {@code deadline}. */
    void handshake(long deadline) throws IOException {
        ByteBuffer scratch = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        engine.beginHandshake();
        SSLEngineResult.HandshakeStatus status = engine.getHandshakeStatus();
        while (true) {
            switch (status) {
                case NEED_TASK -> {
                    runTasks();
                    status = engine.getHandshakeStatus();
                }
                case NEED_WRAP -> {
                    status = wrap(EMPTY).getHandshakeStatus();
                    Wire.send(this, EMPTY, deadline);
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    netIn.flip();
                    SSLEngineResult r = engine.unwrap(netIn, scratch);
                    netIn.compact();
                    scratch.clear();
                    closed(r);
                    status = r.getHandshakeStatus();
                    if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                        int n = channel.read(netIn);
                        if (n < 0) {
                            throw new EOFException("the server closed the connection during the TLS handshake");
                        }
                        if (n == 0) {
                            Wire.await(channel, SelectionKey.OP_READ, deadline);
                        }
                    }
                }
                default -> {
                    return;
                }
            }
        }
    }

    @Override
    public SocketChannel channel() {
        return channel;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        int taken = 0;
        while (flushed() && src.hasRemaining()) {
            taken += wrap(src).bytesConsumed();
        }
        return taken;
    }

    @Override
    public boolean pending() {
        return netOut.hasRemaining();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int n = channel.read(netIn);
        netIn.flip();
        int produced = 0;
        try {
            while (netIn.hasRemaining()) {
                SSLEngineResult r = engine.unwrap(netIn, dst);
                produced += r.bytesProduced();
                if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                    return produced > 0 ? produced : -1;
                }
                if (r.getStatus() != SSLEngineResult.Status.OK) {
                    break; // a partial record: the rest comes with the next read
                }
                afterHandshakeMessage(r);
            }
        } finally {
            netIn.compact();
        }
        return n < 0 && produced == 0 ? -1 : produced;
    }

    /** A message after the handshake (TLS 1.3 session tickets, a key update) may need a task or an answer. */
    private void afterHandshakeMessage(SSLEngineResult r) throws IOException {
        if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
            runTasks();
        }
        if (engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP && flushed()) {
            wrap(EMPTY);
            flushed();
        }
    }

    /** Encrypts from {@code src} into {@code netOut}, behind what is still unsent there. */
    private SSLEngineResult wrap(ByteBuffer src) throws SSLException {
        netOut.compact();
        SSLEngineResult r;
        try {
            r = engine.wrap(src, netOut);
        } finally {
            netOut.flip();
        }
        closed(r);
        return r;
    }

    /** Writes what {@code netOut} holds; true when all of it went. */
    private boolean flushed() throws IOException {
        while (netOut.hasRemaining()) {
            if (channel.write(netOut) == 0) {
                return false;
            }
        }
        return true;
    }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    private static void closed(SSLEngineResult r) throws SSLException {
        if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
            throw new SSLException("the server closed the TLS session");
        }
    }
}
