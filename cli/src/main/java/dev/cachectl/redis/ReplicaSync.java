package dev.cachectl.redis;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.config.Endpoint;
import dev.cachectl.redis.resp.RawConnection;
import dev.cachectl.util.Durations;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Takes a snapshot of a server the way a replica does: {@code PSYNC ? -1} asks for a full
 * resynchronisation, and the server answers with an RDB of its whole dataset, written by a forked
 * child, so the server itself keeps serving. With {@code REPLCONF rdb-only} (Redis 7+) the server
 * sends the RDB only and keeps no replication buffer for us; older servers start the command
 * stream after it, which we never read: the connection is closed once the RDB is consumed.
 * <p>
 * The RDB comes either with its length ({@code $N}) or, when the server streams it without a file
 * (diskless), between {@code $EOF:<mark>} and the mark; the RDB's own EOF opcode ends it too, so
 * the reader stops there and the mark is not needed.
 * <p>
 * A link that {@linkplain #follow follows} (migrate --live) asks for no {@code rdb-only}: after the
 * RDB the server goes on sending every write it applies, as to a replica, from the replication
 * offset its {@code +FULLRESYNC} named; {@link #commands} reads them, and {@link #ack} reports the
 * offset applied, which the source shows in its {@code INFO replication}. {@link #resume} asks for
 * the stream from a saved offset ({@code PSYNC replid offset}): a source whose backlog still holds
 * it answers {@code +CONTINUE} and sends no snapshot.
 */
public final class ReplicaSync implements AutoCloseable {
    private final RawConnection connection;
    private final InputStream in;
    private final OutputStream out;
    private final InputStream rdb;
    private final String replicationId;
    private final boolean diskless;
    /** The replication offset the command stream starts after: the snapshot's, or the one a resume continued from. */
    private final long offset;
    /** The 40 bytes that end a diskless transfer, when the link goes on after it. */
    private final byte[] eofMark;

    /** The server would not give a snapshot (PSYNC not allowed, renamed, or not possible right now). */
    public static final class Refused extends CachectlException {
        Refused(String message) {
            super(ExitCode.FAILED, message);
        }
    }

    private ReplicaSync(RawConnection connection, InputStream in, OutputStream out, InputStream rdb, String replicationId,
                        boolean diskless, long offset, byte[] eofMark) {
        this.connection = connection;
        this.in = in;
        this.out = out;
        this.rdb = rdb;
        this.replicationId = replicationId;
        this.diskless = diskless;
        this.offset = offset;
        this.eofMark = eofMark;
    }

    /**
     * Connects (within {@code connect}) and waits until the snapshot starts to arrive. {@code idle} bounds the
     * wait for any byte: a server that is saving sends a newline every second, so only a dead one hits it.
     */
    public static ReplicaSync start(Endpoint endpoint, Duration connect, Duration idle) {
        return open(endpoint, connect, idle, false, null, 0);
    }

    /** Like {@link #start}, keeping the link open after the snapshot for the writes that follow it. */
    public static ReplicaSync follow(Endpoint endpoint, Duration connect, Duration idle) {
        return open(endpoint, connect, idle, true, null, 0);
    }

    /**
     * Asks for the writes after {@code offset} of replication stream {@code replicationId}; check
     * {@link #continued()}: a source whose backlog no longer holds that offset sends a fresh snapshot
     * instead, which the caller must copy before the stream.
     */
    public static ReplicaSync resume(Endpoint endpoint, Duration connect, Duration idle, String replicationId, long offset) {
        return open(endpoint, connect, idle, true, replicationId, offset);
    }

    private static ReplicaSync open(Endpoint endpoint, Duration connect, Duration idle, boolean follow, String resumeId,
                                    long resumeOffset) {
        RawConnection connection = RawConnection.open(endpoint.withDb(0), connect, idle);
        try {
            InputStream in = new BufferedInputStream(connection.socket().getInputStream(), 1 << 16);
            OutputStream out = connection.socket().getOutputStream();
            command(out, "REPLCONF", "capa", "eof", "capa", "psync2");
            String capa = line(in);
            if (capa.startsWith("-NOAUTH") || capa.startsWith("-NOPERM")) {
                throw new Refused(endpoint + " refused REPLCONF: " + capa.substring(1));
            }
            if (!follow) {
                // rdb-only: Redis 7+ ends the sync after the RDB and buffers no commands for us; older servers say -ERR
                command(out, "REPLCONF", "rdb-only", "1");
                line(in);
            }
            if (resumeId != null) {
                command(out, "PSYNC", resumeId, Long.toString(resumeOffset + 1));
            } else {
                command(out, "PSYNC", "?", "-1");
            }
            String reply = line(in);
            if (resumeId != null && reply.startsWith("+CONTINUE")) {
                // "+CONTINUE <new id>" after a failover keeps the offsets of the old one
                String[] parts = reply.split(" ");
                return new ReplicaSync(connection, in, out, null, parts.length > 1 ? parts[1] : resumeId, false,
                        resumeOffset, null);
            }
            if (!reply.startsWith("+FULLRESYNC")) {
                throw new Refused(endpoint + " refused a replication snapshot (PSYNC): "
                        + (reply.startsWith("-") ? reply.substring(1) : "unexpected reply '" + reply + "'"));
            }
            String[] parts = reply.split(" ");
            long offset = parts.length > 2 ? parseOffset(parts[2]) : 0;
            String header = line(in);
            if (!header.startsWith("$")) {
                throw new CachectlException(ExitCode.FAILED, endpoint + ": unexpected start of the snapshot: '" + header + "'");
            }
            boolean diskless = header.startsWith("$EOF:");
            InputStream rdb = diskless ? in : new Bounded(in, Long.parseLong(header.substring(1)));
            byte[] mark = diskless ? header.substring(5).getBytes(StandardCharsets.US_ASCII) : null;
            return new ReplicaSync(connection, in, out, rdb, parts.length > 1 ? parts[1] : "", diskless, offset, mark);
        } catch (SocketTimeoutException e) {
            connection.close();
            throw new CachectlException(ExitCode.DOWN, endpoint + " sent nothing for " + Durations.format(idle)
                    + " while a snapshot was expected", e);
        } catch (IOException e) {
            connection.close();
            throw new CachectlException(ExitCode.DOWN, "lost the connection to source " + endpoint
                    + " while asking for a snapshot: " + ConnectionLoss.what(e, idle), e);
        } catch (RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    private static long parseOffset(String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** True when a {@link #resume} went on from its offset: no snapshot comes, only the writes after it. */
    public boolean continued() {
        return rdb == null;
    }

    /** The replication offset the first command of {@link #commands} follows. */
    public long offset() {
        return offset;
    }

    /**
     * The writes after the snapshot, as the server sends them to a replica. {@code readAhead}: what the
     * snapshot's reader took from the link past the RDB's end ({@code RdbReader.unread()}); empty after a
     * {@code +CONTINUE}. A diskless transfer's end mark comes first and is checked and skipped here.
     */
    public InputStream commands(byte[] readAhead) throws IOException {
        InputStream stream = readAhead.length == 0 ? in
                : new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(readAhead), in);
        if (eofMark != null) {
            byte[] seen = stream.readNBytes(eofMark.length);
            if (!java.util.Arrays.equals(seen, eofMark)) {
                throw new IOException("the snapshot did not end with the mark the server announced");
            }
        }
        return stream;
    }

    /** Tells the server that every write up to {@code applied} is applied ({@code REPLCONF ACK}); any thread. */
    public synchronized void ack(long applied) throws IOException {
        command(out, "REPLCONF", "ACK", Long.toString(applied));
    }

    /** Bounds the wait for the next byte of the stream; the server pings a replica every 10 s by default. */
    public void readTimeout(Duration timeout) throws IOException {
        connection.socket().setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    }

    /** The wait for the next byte (at first the {@code idle} the link was opened with); null once the socket is closed. */
    public Duration readTimeout() {
        try {
            return Duration.ofMillis(connection.socket().getSoTimeout());
        } catch (IOException e) {
            return null;
        }
    }

    /** The RDB, from its header to its EOF opcode and checksum. */
    public InputStream rdb() {
        return rdb;
    }

    public String replicationId() {
        return replicationId;
    }

    /** True when the server streamed the RDB without writing a file first. */
    public boolean diskless() {
        return diskless;
    }

    @Override
    public void close() {
        connection.close();
    }

    private static void command(OutputStream out, String... args) throws IOException {
        StringBuilder s = new StringBuilder("*").append(args.length).append("\r\n");
        for (String arg : args) {
            s.append('$').append(arg.length()).append("\r\n").append(arg).append("\r\n");
        }
        out.write(s.toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** One reply line; the bare newlines a server sends to keep the link alive while it saves are skipped. */
    private static String line(InputStream in) throws IOException {
        StringBuilder s = new StringBuilder();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("the server closed the connection");
            }
            if (c == '\n') {
                if (s.length() == 0) {
                    continue;
                }
                int end = s.length() - (s.charAt(s.length() - 1) == '\r' ? 1 : 0);
                return s.substring(0, end);
            }
            if (s.length() < 4096) {
                s.append((char) c);
            }
        }
    }

    /** The RDB of a disk-based sync: exactly its announced length. */
    private static final class Bounded extends FilterInputStream {
        private long left;

        Bounded(InputStream in, long length) {
            super(in);
            this.left = length;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int c = super.read();
            if (c >= 0) {
                left--;
            }
            return c;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = super.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }
    }
}
