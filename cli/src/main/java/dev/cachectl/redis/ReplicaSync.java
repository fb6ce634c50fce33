package dev.cachectl.redis;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.config.Endpoint;
import dev.cachectl.redis.resp.RawConnection;

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
 */
public final class ReplicaSync implements AutoCloseable {
    private final RawConnection connection;
    private final InputStream rdb;
    private final String replicationId;
    private final boolean diskless;

    /** The server would not give a snapshot (PSYNC not allowed, renamed, or not possible right now). */
    public static final class Refused extends CachectlException {
        Refused(String message) {
            super(ExitCode.FAILED, message);
        }
    }

    private ReplicaSync(RawConnection connection, InputStream rdb, String replicationId, boolean diskless) {
        this.connection = connection;
        this.rdb = rdb;
        this.replicationId = replicationId;
        this.diskless = diskless;
    }

    /**
     * Connects and waits until the snapshot starts to arrive. {@code idle} bounds the wait for any
     * byte: a server that is saving sends a newline every second, so only a dead one hits it.
     */
    public static ReplicaSync start(Endpoint endpoint, Duration idle) {
        RawConnection connection = RawConnection.open(endpoint.withDb(0), RedisClients.clientConfig(endpoint.withDb(0), idle));
        try {
            InputStream in = new BufferedInputStream(connection.socket().getInputStream(), 1 << 16);
            OutputStream out = connection.socket().getOutputStream();
            command(out, "REPLCONF", "capa", "eof", "capa", "psync2");
            String capa = line(in);
            if (capa.startsWith("-NOAUTH") || capa.startsWith("-NOPERM")) {
                throw new Refused(endpoint + " refused REPLCONF: " + capa.substring(1));
            }
            // rdb-only: Redis 7+ ends the sync after the RDB and buffers no commands for us; older servers say -ERR
            command(out, "REPLCONF", "rdb-only", "1");
            line(in);
            command(out, "PSYNC", "?", "-1");
            String reply = line(in);
            if (!reply.startsWith("+FULLRESYNC")) {
                throw new Refused(endpoint + " refused a replication snapshot (PSYNC): "
                        + (reply.startsWith("-") ? reply.substring(1) : "unexpected reply '" + reply + "'"));
            }
            String[] parts = reply.split(" ");
            String header = line(in);
            if (!header.startsWith("$")) {
                throw new CachectlException(ExitCode.FAILED, endpoint + ": unexpected start of the snapshot: '" + header + "'");
            }
            boolean diskless = header.startsWith("$EOF:");
            InputStream rdb = diskless ? in : new Bounded(in, Long.parseLong(header.substring(1)));
            return new ReplicaSync(connection, rdb, parts.length > 1 ? parts[1] : "", diskless);
        } catch (SocketTimeoutException e) {
            connection.close();
            throw new CachectlException(ExitCode.DOWN, endpoint + " sent nothing for " + idle.toSeconds()
                    + "s while a snapshot was expected", e);
        } catch (IOException e) {
            connection.close();
            throw new CachectlException(ExitCode.DOWN, "lost the connection to source " + endpoint
                    + " while asking for a snapshot: " + ConnectionLoss.what(e), e);
        } catch (RuntimeException e) {
            connection.close();
            throw e;
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
