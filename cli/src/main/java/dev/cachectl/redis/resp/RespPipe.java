package dev.cachectl.redis.resp;

import dev.cachectl.config.Endpoint;
import dev.cachectl.redis.RedisClients;
import redis.clients.jedis.exceptions.JedisConnectionException;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;

/**
 * Streams batches of commands over one connection, the way {@code redis-cli --pipe} does: the
 * caller keeps writing while a reply thread reads the answers and hands them, in order, to the
 * batch they belong to, so the server never waits for a round trip. At most {@link #IN_FLIGHT}
 * batches, and {@link #IN_FLIGHT_BYTES} of them, are unanswered at a time, which bounds memory
 * (big values make big batches) and what a broken connection can leave unconfirmed.
 * <p>
 * Batches are encoded into {@link #encoder()} and leave in one write each; replies are parsed in
 * bulk by a {@link RespReader}: per-command client objects cost more than the server's own work
 * on a SET, and bulk loads have to keep up with {@code redis-cli --pipe}.
 */
public final class RespPipe implements AutoCloseable {
    static final int IN_FLIGHT = 16;
    static final int IN_FLIGHT_BYTES = 4 << 20;

    /** What a batch learns, on the reply thread. */
    public interface Replies {
        /** The next reply, in the order the commands were encoded; details in {@code reader}. */
        void reply(int kind, RespReader reader);

        /** Every reply arrived ({@code lost} null), or the connection broke after {@code answered} of them. */
        void done(String lost, int answered);
    }

    private record InFlight(int commands, int kib, Replies replies) {
    }

    private static final InFlight END = new InFlight(0, 0, null);

    private final RawConnection connection;
    private final OutputStream out;
    private final RespReader reader;
    private final RespWriter encoder = new RespWriter();
    private final String peer;
    /** How long a reply is waited for, named when one does not come. */
    private final Duration timeout;
    private final BlockingQueue<InFlight> inFlight = new ArrayBlockingQueue<>(IN_FLIGHT);
    /** Unanswered bytes, in KiB; a batch bigger than the whole budget takes all of it. */
    private final Semaphore budget = new Semaphore(IN_FLIGHT_BYTES >> 10);
    private final Thread thread;
    private volatile String lost;
    private volatile Throwable lostCause;

    /**
     * Connects to {@code endpoint} (exit 3 when it does not answer, 2 on a wrong password) and starts the
     * reply thread. {@code role} says what the server is to the job ("target"), for messages. It waits
     * {@code connect} for the connection and {@code reply} for each reply.
     */
    public static RespPipe open(String role, Endpoint endpoint, Duration connect, Duration reply, String threadName) {
        RawConnection connection = RawConnection.open(endpoint, connect, reply);
        try {
            return new RespPipe(connection, role + " " + endpoint, Duration.ofMillis(RedisClients.millis(reply)), threadName);
        } catch (IOException e) {
            connection.close();
            throw RedisClients.translate(endpoint, new JedisConnectionException(e));
        }
    }

    /** Takes over {@code connection}; {@code peer} names the server in messages. */
    private RespPipe(RawConnection connection, String peer, Duration timeout, String threadName) throws IOException {
        this.connection = connection;
        this.peer = peer;
        this.timeout = timeout;
        Socket socket = connection.socket();
        this.out = socket.getOutputStream();
        this.reader = new RespReader(socket.getInputStream());
        this.thread = new Thread(this::readReplies, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** The buffer the next batch is encoded into; {@link #send} empties it. */
    public RespWriter encoder() {
        return encoder;
    }

    /** Why the connection is gone, or null while it works. */
    public String lost() {
        return lost;
    }

    /** The exception that broke the connection, when one did (for --verbose). */
    public Throwable lostCause() {
        return lostCause;
    }

    /**
     * Sends the {@code commands} encoded since the last send; {@code replies} hears about each. Blocks
     * while too much is unanswered. Returns false, sending nothing and telling {@code replies}
     * nothing, when the connection was already lost.
     */
    public boolean send(int commands, Replies replies) {
        if (lost != null) {
            encoder.reset();
            return false;
        }
        int kib = Math.min(IN_FLIGHT_BYTES >> 10, Math.max(1, encoder.size() >> 10));
        try {
            budget.acquire(kib);
            // queued before it is written, so the reply thread always knows what an answer belongs to
            inFlight.put(new InFlight(commands, kib, replies));
            encoder.writeTo(out);
        } catch (IOException e) {
            fail("lost the connection to " + peer + ": " + message(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted while writing to " + peer);
        } finally {
            encoder.reset();
        }
        return true;
    }

    private void readReplies() {
        while (true) {
            InFlight batch;
            try {
                batch = inFlight.take();
            } catch (InterruptedException e) {
                return;
            }
            if (batch == END) {
                return;
            }
            int answered = 0;
            if (lost == null) {
                try {
                    for (; answered < batch.commands(); answered++) {
                        batch.replies().reply(reader.next(), reader);
                    }
                } catch (IOException e) {
                    fail("lost the connection to " + peer + ": " + message(e), e);
                }
            }
            budget.release(batch.kib());
            batch.replies().done(lost, answered);
        }
    }

    /** Closing the socket wakes the reply thread, which reports what is unanswered. */
    private void fail(String reason) {
        fail(reason, null);
    }

    private void fail(String reason, Throwable cause) {
        synchronized (this) {
            if (lost == null) {
                lostCause = cause;
                lost = reason;
            }
        }
        connection.close();
    }

    private String message(IOException e) {
        return dev.cachectl.redis.ConnectionLoss.what(e, timeout);
    }

    /** Returns once every batch sent has been reported to its {@link Replies}. */
    public void drain() {
        if (!thread.isAlive()) {
            return;
        }
        boolean interrupted = false;
        while (true) {
            try {
                inFlight.put(END);
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
                fail("interrupted while writing to " + peer);
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        drain();
        connection.close();
    }
}
