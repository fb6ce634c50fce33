package dev.cachectl.warm.sink;

import dev.cachectl.config.Endpoint;
import dev.cachectl.redis.RedisClients;
import dev.cachectl.warm.WriteOp;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisSocketFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisSocketFactory;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * Streams batches over one connection to a standalone Redis, the way {@code redis-cli --pipe} does:
 * the caller keeps writing while a reply thread reads the answers and matches them to the writes in
 * order, so the server never waits for a round trip. At most {@link #IN_FLIGHT} batches, and
 * {@link #IN_FLIGHT_BYTES} of them, are unanswered at a time, which bounds memory (big records make
 * big batches) and what a broken connection can leave unconfirmed.
 * <p>
 * Jedis opens the connection (TLS, AUTH, SELECT); batches are encoded here and leave in one write
 * each, and replies are parsed in bulk: Jedis's per-command objects cost more than the server's own
 * work on a SET, and warm has to keep up with {@code redis-cli --pipe}.
 */
final class StandaloneSink implements BatchSink {
    static final int IN_FLIGHT = 16;
    static final int IN_FLIGHT_BYTES = 4 << 20;
    private static final byte[] SET = Commands.bytes("SET");
    private static final byte[] EVAL = Commands.bytes("EVAL");
    private static final byte[] MSET = Commands.bytes("MSET");

    private final Connection connection;
    private final Socket socket;
    private final OutputStream out;
    private final RespReader replies;
    private final RespWriter encoder = new RespWriter();
    private final String target;
    private final BlockingQueue<InFlight> inFlight = new ArrayBlockingQueue<>(IN_FLIGHT);
    /** Unanswered bytes, in KiB; a batch bigger than the whole budget takes all of it. */
    private final Semaphore budget = new Semaphore(IN_FLIGHT_BYTES >> 10);
    private final Thread reader;
    private volatile String lost;

    /** {@code commands[i]}: how many of the ops the i-th command covers (an MSET covers several). */
    private record InFlight(List<WriteOp> ops, int[] commands, int count, int kib, Consumer<BatchResult> done) {
    }

    private static final InFlight END = new InFlight(List.of(), new int[0], 0, 0, r -> { });

    StandaloneSink(Endpoint endpoint, JedisClientConfig config) {
        this.target = endpoint.toString();
        Capturing sockets = new Capturing(new DefaultJedisSocketFactory(new HostAndPort(endpoint.host(), endpoint.port()), config));
        try {
            this.connection = new Connection(sockets, config);
            if (sockets.socket == null) {
                connection.connect();
            }
            this.socket = sockets.socket;
            this.out = socket.getOutputStream();
            this.replies = new RespReader(socket.getInputStream());
        } catch (JedisException e) {
            throw RedisClients.translate(endpoint, e);
        } catch (IOException e) {
            throw RedisClients.translate(endpoint, new JedisConnectionException(e));
        }
        reader = new Thread(this::readReplies, "warm-replies");
        reader.setDaemon(true);
        reader.start();
    }

    /** Keeps the socket Jedis connects, so that batches can be written to it directly. */
    private static final class Capturing implements JedisSocketFactory {
        private final JedisSocketFactory inner;
        private Socket socket;

        Capturing(JedisSocketFactory inner) {
            this.inner = inner;
        }

        @Override
        public Socket createSocket() {
            socket = inner.createSocket();
            return socket;
        }
    }

    @Override
    public void send(List<WriteOp> ops, boolean nx, Consumer<BatchResult> done) {
        if (lost != null) {
            BatchResult result = new BatchResult();
            result.notSent = ops.size();
            result.lost = lost;
            done.accept(result);
            return;
        }
        encoder.reset();
        int[] commands = new int[ops.size()];
        int count = 0;
        int i = 0;
        while (i < ops.size()) {
            int run = nx ? 1 : plainRun(ops, i);
            if (run > 1) {
                encodeMset(ops, i, run);
            } else if (ops.get(i).isHash()) {
                encode(EVAL, Commands.hashArgs(ops.get(i), nx));
            } else {
                encode(SET, Commands.setArgs(ops.get(i), nx));
            }
            commands[count++] = run;
            i += run;
        }
        int kib = Math.min(IN_FLIGHT_BYTES >> 10, Math.max(1, encoder.size() >> 10));
        try {
            budget.acquire(kib);
            // queued before it is written, so the reply thread always knows what an answer belongs to
            inFlight.put(new InFlight(ops, commands, count, kib, done));
            encoder.writeTo(out);
        } catch (IOException e) {
            fail("lost the connection to " + target + ": " + message(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
        }
    }

    /**
     * How many ops from {@code from} on are plain strings without a TTL: those go as one MSET, which
     * means to the server exactly what a SET each does, for a fraction of its per-command work.
     */
    private static int plainRun(List<WriteOp> ops, int from) {
        int i = from;
        while (i < ops.size() && !ops.get(i).isHash() && ops.get(i).ttlMillis() == 0) {
            i++;
        }
        return Math.max(1, i - from);
    }

    private void encodeMset(List<WriteOp> ops, int from, int run) {
        encoder.array(1 + 2 * run);
        encoder.bulk(MSET);
        for (int i = from; i < from + run; i++) {
            encoder.bulk(ops.get(i).key());
            encoder.bulk(ops.get(i).value());
        }
    }

    private void encode(byte[] command, byte[][] args) {
        encoder.array(args.length + 1);
        encoder.bulk(command);
        for (byte[] arg : args) {
            encoder.bulk(arg);
        }
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
            BatchResult result = new BatchResult();
            if (lost == null) {
                try {
                    int op = 0;
                    for (int c = 0; c < batch.count(); c++) {
                        int covered = batch.commands()[c];
                        switch (replies.next()) {
                            case RespReader.ERROR -> {
                                for (int k = op; k < op + covered; k++) {
                                    result.failed(batch.ops().get(k), replies.error);
                                }
                            }
                            case RespReader.NIL -> result.skipped += covered;
                            case RespReader.INTEGER -> {
                                if (replies.integer == 0) {
                                    result.skipped += covered;
                                } else {
                                    result.written += covered;
                                }
                            }
                            default -> result.written += covered;
                        }
                        op += covered;
                    }
                } catch (IOException e) {
                    fail("lost the connection to " + target + ": " + message(e));
                }
            }
            if (lost != null) {
                result.lost = lost;
                result.unconfirmed = batch.ops().size() - result.answered();
            }
            budget.release(batch.kib());
            batch.done().accept(result);
        }
    }

    /** Closing the socket wakes the reply thread, which reports what is unanswered as unconfirmed. */
    private void fail(String reason) {
        if (lost == null) {
            lost = reason;
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // it is broken already
        }
    }

    private static String message(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    @Override
    public void drain() {
        if (!reader.isAlive()) {
            return;
        }
        boolean interrupted = false;
        while (true) {
            try {
                inFlight.put(END);
                reader.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
                fail("interrupted");
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        drain();
        try {
            connection.close();
        } catch (RuntimeException ignored) {
            // a broken connection cannot be closed politely; the socket is gone either way
        }
    }
}
