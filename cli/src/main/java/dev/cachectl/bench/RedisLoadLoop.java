package dev.cachectl.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * One I/O thread driving many Redis connections from one selector, the way redis-benchmark's event
 * loop does: commands are encoded by overwriting the key digits of a pre-encoded template into a
 * per-connection buffer, replies are parsed byte by byte without objects, and nothing is allocated
 * per request. Closed loop: a connection sends {@code pipeline} commands in one write and the next
 * batch when all are answered. Open loop: operation {@code g} is due at {@code start + g / rate}
 * and goes out on any connection with room; its latency counts from when it was due. Bytes go
 * through each connection's {@link Wire}: the channel itself, or a {@link TlsWire} that encrypts
 * the same buffers, so TLS targets share this loop.
 */
final class RedisLoadLoop implements Runnable {
    static final int SET = 0;
    static final int GET = 1;
    private static final long DRAIN_NANOS = 30_000_000_000L;

    static final int ASKING = 2;

    private final Client[] clients;
    private final Routes route;
    private final byte[] askingBytes;
    private final byte[] expiry;
    private final Selector selector;
    private final LoadRun run;
    private final ThreadStats stats;
    private final Workload workload;
    private final int pipeline;
    private final boolean open;
    private final double intervalNanos;
    private final int thread;
    private final int threads;
    private final KeyPicker picker;
    private final byte[] setHead;
    private final byte[] getHead;
    private final byte[] fixedValueHead;
    private final byte[] value;
    private final int digits;
    private long quota;
    private long scheduled;
    private int inflight;
    private long completed;
    private long errors;
    private int rotate;
    private IOException failed;

    /**
     * {@code clients}: per client, one connection per node ({@code route} says which node holds a key;
     * a standalone server is one node).
     */
    RedisLoadLoop(List<Wire[]> clients, Routes route, LoadRun run, int thread, int threads, Workload workload,
                  LoadShape shape, Zipf zipf, byte[] value) throws IOException {
        this.run = run;
        this.route = route;
        this.stats = run.stats[thread];
        this.workload = workload;
        this.pipeline = shape.pipeline();
        this.open = shape.openLoop();
        this.intervalNanos = open ? 1e9 / shape.rate() : 0;
        this.thread = thread;
        this.threads = threads;
        this.picker = new KeyPicker(workload, zipf, thread, threads);
        this.value = value;
        this.digits = workload.indexDigits();
        this.quota = shape.requests() == 0 ? Long.MAX_VALUE
                : shape.requests() / threads + (thread < shape.requests() % threads ? 1 : 0);
        this.scheduled = thread;
        byte[] prefix = workload.prefixBytes();
        int keyLength = prefix.length + digits;
        this.setHead = concat(ascii("*3\r\n$3\r\nSET\r\n$" + keyLength + "\r\n"), prefix);
        this.getHead = concat(ascii("*2\r\n$3\r\nGET\r\n$" + keyLength + "\r\n"), prefix);
        this.fixedValueHead = workload.minSize() == workload.maxSize() ? ascii("$" + workload.maxSize() + "\r\n") : null;
        int command = setHead.length + digits + 2 + 16 + workload.maxSize() + 2 + 32;
        this.askingBytes = ascii("*1\r\n$6\r\nASKING\r\n");
        String ttl = Integer.toString(Workload.READ_THROUGH_TTL_SECONDS);
        this.expiry = workload.readThrough() ? ascii("$2\r\nEX\r\n$" + ttl.length() + "\r\n" + ttl + "\r\n") : null;
        if (workload.readThrough()) {
            setHead[1] = '5';
        }
        this.selector = Selector.open();
        this.clients = new Client[clients.size()];
        for (int i = 0; i < this.clients.length; i++) {
            Wire[] channels = clients.get(i);
            Client client = new Client(channels.length);
            for (int n = 0; n < channels.length; n++) {
                // room for a whole pipeline on one node, and for as many ASKING prefixes
                Conn c = new Conn(channels[n], client, n, 2 * pipeline, (command + askingBytes.length) * pipeline);
                c.key = channels[n].channel().register(selector, SelectionKey.OP_READ, c);
                client.conns[n] = c;
            }
            this.clients[i] = client;
        }
    }

    @Override
    public void run() {
        try {
            loop();
        } catch (IOException e) {
            run.fail("lost a connection to the server: " + dev.cachectl.redis.ConnectionLoss.what(e));
        } finally {
            stats.completed = completed;
            stats.errors = errors;
            try {
                selector.close();
            } catch (IOException ignored) {
                // closing
            }
            for (Client client : clients) {
                for (Conn c : client.conns) {
                    try {
                        c.wire.channel().close();
                    } catch (IOException ignored) {
                        // closing
                    }
                }
            }
        }
    }

    private void loop() throws IOException {
        long drainUntil = Long.MAX_VALUE;
        if (!open) {
            long now = System.nanoTime();
            for (Client client : clients) {
                sendBatch(client, now);
            }
        }
        while (true) {
            long now = System.nanoTime();
            boolean sending = !run.stopped() && now < run.endNanos && quota > 0;
            if (!sending) {
                if (inflight == 0 || run.failure() != null) {
                    return;
                }
                if (drainUntil == Long.MAX_VALUE) {
                    drainUntil = now + DRAIN_NANOS;
                } else if (now > drainUntil) {
                    run.fail(inflight + " operations were never answered");
                    return;
                }
            }
            long wait = 100;
            if (open && sending) {
                long due = dueAt(scheduled);
                if (due <= now) {
                    schedule(now);
                    due = dueAt(scheduled);
                }
                long ahead = due - System.nanoTime();
                if (ahead > 0 && ahead < 2_000_000) {
                    LockSupport.parkNanos(ahead);
                    wait = -1;
                } else {
                    wait = Math.max(1, Math.min(100, ahead / 1_000_000 - 1));
                }
            }
            if (wait < 0) {
                selector.selectNow(this::ready);
            } else {
                selector.select(this::ready, wait);
            }
            if (failed != null) {
                throw failed;
            }
            stats.completed = completed;
            stats.errors = errors;
        }
    }

    /** The selector's callback: no selected-key set to iterate and clear on every wake-up. */
    private void ready(SelectionKey key) {
        if (failed != null) {
            return;
        }
        Conn c = (Conn) key.attachment();
        try {
            if (key.isValid() && key.isWritable()) {
                flush(c);
            }
            if (key.isValid() && key.isReadable()) {
                read(c);
            }
        } catch (IOException e) {
            failed = e;
        }
    }

    private long dueAt(long op) {
        return run.startNanos + (long) (op * intervalNanos);
    }

    /** Open loop: every operation now due goes out on a client with room, oldest first. */
    private void schedule(long now) throws IOException {
        for (int n = 0; n < clients.length && quota > 0; n++) {
            Client client = clients[rotate];
            rotate = rotate + 1 == clients.length ? 0 : rotate + 1;
            if (client.writing()) {
                continue;
            }
            long due;
            while (client.count < pipeline && quota > 0 && (due = dueAt(scheduled)) <= now && due < run.endNanos) {
                encode(client, due, now);
                scheduled += threads;
            }
            client.flushAll(this);
            if (dueAt(scheduled) > now) {
                return;
            }
        }
    }

    /** Closed loop: a full pipeline, unless the run is over. */
    private void sendBatch(Client client, long now) throws IOException {
        if (run.stopped() || now >= run.endNanos) {
            return;
        }
        for (int i = 0; i < pipeline && quota > 0; i++) {
            encode(client, now, now);
        }
        client.flushAll(this);
    }

    private void encode(Client client, long intended, long now) {
        boolean measured = intended >= run.measureFromNanos;
        if (measured && quota != Long.MAX_VALUE) {
            quota--;
        }
        int kind = picker.isSet() ? SET : GET;
        long index = picker.keyIndex();
        Conn c = client.conns[route.node(index)];
        put(c, kind, index, intended, now, measured, false);
        client.count++;
        inflight++;
    }

    /** One command into {@code c}'s buffer and ring; {@code asking} puts ASKING in front (a slot being moved). */
    private void put(Conn c, int kind, long index, long intended, long now, boolean measured, boolean asking) {
        long key = index;
        ByteBuffer out = c.out;
        if (asking) {
            out.put(askingBytes);
            ring(c, ASKING, index, intended, now, false);
        }
        out.put(kind == SET ? setHead : getHead);
        int p = out.position();
        for (int i = p + digits - 1; i >= p; i--) {
            out.put(i, (byte) ('0' + index % 10));
            index /= 10;
        }
        out.position(p + digits);
        out.put((byte) '\r').put((byte) '\n');
        if (kind == SET) {
            int size = workload.minSize();
            if (fixedValueHead != null) {
                out.put(fixedValueHead);
            } else {
                size = picker.size();
                out.put((byte) '$');
                putNumber(out, size);
                out.put((byte) '\r').put((byte) '\n');
            }
            out.put(value, 0, size).put((byte) '\r').put((byte) '\n');
            if (expiry != null) {
                out.put(expiry);
            }
        }
        ring(c, kind, key, intended, now, measured);
        c.dirty = true;
    }

    private void ring(Conn c, int kind, long index, long intended, long now, boolean measured) {
        int slot = (c.head + c.count) % c.kind.length;
        c.kind[slot] = (byte) kind;
        c.measured[slot] = measured;
        c.intended[slot] = intended;
        c.sent[slot] = now;
        c.index[slot] = index;
        c.count++;
    }

    private static void putNumber(ByteBuffer out, int n) {
        int digitsOf = 1;
        for (int rest = n / 10; rest > 0; rest /= 10) {
            digitsOf++;
        }
        int p = out.position();
        for (int i = p + digitsOf - 1; i >= p; i--) {
            out.put(i, (byte) ('0' + n % 10));
            n /= 10;
        }
        out.position(p + digitsOf);
    }

    private void flush(Conn c) throws IOException {
        c.dirty = false;
        ByteBuffer out = c.out;
        if (!c.writing) {
            out.flip();
        }
        c.wire.write(out);
        if (out.hasRemaining() || c.wire.pending()) {
            if (!c.writing) {
                c.writing = true;
                c.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            }
        } else {
            out.clear();
            if (c.writing) {
                c.writing = false;
                c.key.interestOps(SelectionKey.OP_READ);
            }
        }
    }

    private void read(Conn c) throws IOException {
        ByteBuffer in = c.in;
        int n = c.wire.read(in);
        if (n < 0) {
            throw new IOException("the server closed the connection");
        }
        long now = System.nanoTime();
        int i = 0;
        int end = in.position();
        while (i < end) {
            if (c.skip > 0) {
                int k = Math.min(c.skip, end - i);
                c.skip -= k;
                i += k;
                if (c.skip == 0) {
                    answered(c, now, false);
                }
                continue;
            }
            byte b = in.get(i++);
            if (b == '\n') {
                line(c, now);
                c.lineLength = 0;
            } else if (c.lineLength < c.line.length) {
                c.line[c.lineLength++] = b;
            }
        }
        in.clear();
        Client client = c.client;
        if (!open && client.count == 0) {
            sendBatch(client, now);
        } else if (client.pendingRetries) {
            client.pendingRetries = false;
            client.flushAll(this);
        }
    }

    private void line(Conn c, long now) {
        byte[] line = c.line;
        switch (line[0]) {
            case '$' -> {
                long length = 0;
                boolean negative = line[1] == '-';
                for (int i = negative ? 2 : 1; i < c.lineLength && line[i] != '\r'; i++) {
                    length = length * 10 + (line[i] - '0');
                }
                if (negative) {
                    hitOrMiss(c, false);
                    int slot = c.head;
                    answered(c, now, false);
                    if (workload.readThrough() && c.kind[slot] == GET && !c.client.conns[c.node].writing) {
                        fill(c, slot, now);
                    }
                } else {
                    hitOrMiss(c, true);
                    c.skip = length + 2 > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) length + 2;
                }
            }
            case '-' -> {
                if (redirected(c, now)) {
                    return;
                }
                if (stats.firstError == null) {
                    int len = c.lineLength > 0 && line[c.lineLength - 1] == '\r' ? c.lineLength - 1 : c.lineLength;
                    stats.firstError = new String(line, 1, Math.max(0, len - 1), StandardCharsets.UTF_8);
                }
                if (workload.readThrough() && c.kind[c.head] == SET && !c.measured[c.head]) {
                    // a read-through's SET after a miss is no operation of its own (no latency), but its refusal is an error
                    errors++;
                }
                answered(c, now, true);
            }
            default -> answered(c, now, false);
        }
    }

    private void hitOrMiss(Conn c, boolean hit) {
        int slot = c.head;
        if (c.kind[slot] == GET && c.measured[slot]) {
            if (hit) {
                stats.hits++;
            } else {
                stats.misses++;
            }
        }
    }

    private void answered(Conn c, long now, boolean error) {
        int slot = c.head;
        c.head = slot + 1 == c.kind.length ? 0 : slot + 1;
        c.count--;
        if (c.kind[slot] == ASKING) {
            return;
        }
        c.client.count--;
        inflight--;
        if (!c.measured[slot]) {
            return;
        }
        completed++;
        stats.perNode[c.node]++;
        if (error) {
            errors++;
        }
        int kind = c.kind[slot];
        stats.latency[kind].recordValue(ThreadStats.micros(now - c.intended[slot]));
        stats.service[kind].recordValue(ThreadStats.micros(now - c.sent[slot]));
    }

    /**
     * A cluster answered MOVED (the slot has a new owner: remember it and resend there) or ASK (the key
     * is being migrated: resend there once, after ASKING). The operation keeps its intended start, so
     * the detour shows in its latency. An owner this run has no connection to is an error.
     */
    private boolean redirected(Conn c, long now) {
        byte[] line = c.line;
        boolean moved = c.lineLength > 6 && line[1] == 'M' && line[2] == 'O' && line[3] == 'V' && line[4] == 'E' && line[5] == 'D';
        boolean ask = c.lineLength > 4 && line[1] == 'A' && line[2] == 'S' && line[3] == 'K' && line[4] == ' ';
        if (!moved && !ask) {
            return false;
        }
        String text = new String(line, 1, c.lineLength - 1, StandardCharsets.US_ASCII).trim();
        String[] parts = text.split(" ");
        int node = parts.length == 3 ? route.nodeAt(parts[2]) : -1;
        if (node < 0 || c.client.conns[node].writing) {
            return false;
        }
        if (moved) {
            route.moved(Integer.parseInt(parts[1]), node);
        }
        int slot = c.head;
        int kind = c.kind[slot];
        long index = c.index[slot];
        long intended = c.intended[slot];
        boolean measured = c.measured[slot];
        c.head = slot + 1 == c.kind.length ? 0 : slot + 1;
        c.count--;
        Conn to = c.client.conns[node];
        put(to, kind, index, intended, now, measured, ask);
        stats.redirects++;
        c.client.pendingRetries = true;
        return true;
    }

    /** Read-through: the miss of ring entry {@code slot} is followed by a SET of its key, not counted as an operation. */
    private void fill(Conn c, int slot, long now) {
        put(c, SET, c.index[slot], now, now, false, false);
        c.client.count++;
        inflight++;
        c.client.pendingRetries = true;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** One client: a connection per node, and how many of its commands await replies across them. */
    private static final class Client {
        final Conn[] conns;
        int count;
        boolean pendingRetries;

        Client(int nodes) {
            conns = new Conn[nodes];
        }

        boolean writing() {
            for (Conn c : conns) {
                if (c.writing) {
                    return true;
                }
            }
            return false;
        }

        void flushAll(RedisLoadLoop loop) throws IOException {
            for (Conn c : conns) {
                if (c.dirty) {
                    loop.flush(c);
                }
            }
        }
    }

    /** One connection: its write buffer, the ring of commands awaiting replies, the reply parser's state. */
    private static final class Conn {
        final Wire wire;
        final Client client;
        final int node;
        final ByteBuffer out;
        final ByteBuffer in = ByteBuffer.allocateDirect(1 << 16);
        final byte[] kind;
        final boolean[] measured;
        final long[] intended;
        final long[] sent;
        final long[] index;
        final byte[] line = new byte[512];
        SelectionKey key;
        int head;
        int count;
        int lineLength;
        int skip;
        boolean writing;
        boolean dirty;

        Conn(Wire wire, Client client, int node, int ring, int bytes) {
            this.wire = wire;
            this.client = client;
            this.node = node;
            this.out = ByteBuffer.allocateDirect(bytes);
            this.kind = new byte[ring];
            this.measured = new boolean[ring];
            this.intended = new long[ring];
            this.sent = new long[ring];
            this.index = new long[ring];
        }
    }
}
