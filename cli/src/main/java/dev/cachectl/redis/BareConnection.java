package dev.cachectl.redis;

import dev.cachectl.config.Endpoint;
import dev.cachectl.redis.resp.RespWriter;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Commands that answer with text or a status ({@code INFO}, {@code CLUSTER INFO}, {@code CLIENT LIST}, {@code PING},
 * {@code SHUTDOWN}) on a bare socket, in RESP2, or the socket itself handed to a caller that speaks RESP on it
 * (pipelines, the replication protocol): TLS when the endpoint asks for it (the handshake and the checks of the
 * server's certificate that the Jedis clients make, {@link TlsTrust#handshaking}), {@code AUTH} when the endpoint
 * has a password and {@code SELECT} when it names a db, as a Jedis client sends them, and Jedis's exceptions for
 * the same failures, so that {@link RedisClients#translate} words them alike. A Jedis {@code Connection} (its
 * config, handshake and protocol classes, and the jar resource its driver info reads) was a good share of a short
 * status, and one path for both kinds of server keeps each command written once.
 */
final class BareConnection implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    private BareConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new BufferedInputStream(socket.getInputStream(), 1 << 14);
    }

    /** Connects (to the first of the host's addresses that accepts), authenticates and selects the db. */
    static BareConnection open(Endpoint endpoint, Duration timeout) {
        return open(endpoint, timeout, timeout);
    }

    /** {@link #open(Endpoint, Duration)} with a wait for each reply ({@code reply}) other than the one to connect. */
    static BareConnection open(Endpoint endpoint, Duration connect, Duration reply) {
        // a CA file that cannot be read is said before any connection is tried, as the Jedis clients say it
        javax.net.ssl.SSLSocketFactory tls = endpoint.tls() ? TlsTrust.handshaking(endpoint.caCert()) : null;
        Socket socket = connect(endpoint.host(), endpoint.port(), RedisClients.millis(connect), RedisClients.millis(reply));
        BareConnection connection = null;
        try {
            if (tls != null) {
                // on a failed handshake the factory has closed the plain socket
                socket = tls.createSocket(socket, endpoint.host(), endpoint.port(), true);
            }
            connection = new BareConnection(socket);
            if (endpoint.password() != null) {
                if (endpoint.user() == null) {
                    connection.call("AUTH", endpoint.password());
                } else {
                    connection.call("AUTH", endpoint.user(), endpoint.password());
                }
            }
            if (endpoint.db() != 0) {
                connection.call("SELECT", Integer.toString(endpoint.db()));
            }
            return connection;
        } catch (IOException e) {
            closeQuietly(socket);
            throw new JedisConnectionException(e);
        } catch (RuntimeException e) {
            closeQuietly(socket);
            throw e;
        }
    }

    private static Socket connect(String host, int port, int ms, int replyMs) {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new JedisConnectionException(e);
        }
        // as Jedis does: each address in turn, each failure kept as a suppressed exception
        JedisConnectionException failed = new JedisConnectionException("Failed to connect to any host resolved for DNS name.");
        for (InetAddress address : addresses) {
            Socket socket = new Socket();
            try {
                socket.setTcpNoDelay(true);
                socket.connect(new InetSocketAddress(address, port), ms);
                socket.setSoTimeout(replyMs);
                return socket;
            } catch (IOException e) {
                closeQuietly(socket);
                failed.addSuppressed(e);
            }
        }
        throw failed;
    }

    /** The reply to {@code command} as text: a bulk string, or a status line; null for a nil reply. */
    String call(String... command) {
        try {
            RespWriter request = new RespWriter();
            request.array(command.length);
            for (String part : command) {
                request.bulk(part.getBytes(StandardCharsets.UTF_8));
            }
            request.writeTo(out);
            int type = in.read();
            String line = line();
            switch (type) {
                case '+':
                    return line;
                case '-':
                    throw line.startsWith("WRONGPASS") || line.startsWith("NOPERM")
                            ? new JedisAccessControlException(line) : new JedisDataException(line);
                case '$':
                    int length = Integer.parseInt(line);
                    if (length < 0) {
                        return null;
                    }
                    byte[] body = in.readNBytes(length + 2);
                    if (body.length < length + 2) {
                        throw new JedisConnectionException("Unexpected end of stream.");
                    }
                    return new String(body, 0, length, StandardCharsets.UTF_8);
                case -1:
                    throw new JedisConnectionException("Unexpected end of stream.");
                default:
                    throw new JedisConnectionException("Unknown reply: " + (char) type);
            }
        } catch (IOException e) {
            throw new JedisConnectionException(e);
        } catch (NumberFormatException e) {
            throw new JedisConnectionException("Unknown reply: " + e.getMessage());
        }
    }

    /** The rest of a reply's first line, without its CRLF. */
    private String line() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c = in.read(); c != '\r'; c = in.read()) {
            if (c < 0) {
                throw new JedisConnectionException("Unexpected end of stream.");
            }
            sb.append((char) c);
        }
        if (in.read() != '\n') {
            throw new JedisConnectionException("Unknown reply: a line not ended by CRLF");
        }
        return sb.toString();
    }

    /** How long each reply from now on may take. */
    void timeout(int millis) {
        try {
            socket.setSoTimeout(millis);
        } catch (IOException e) {
            throw new JedisConnectionException(e);
        }
    }

    /** The socket, authenticated and on its db, for its new owner to use and close: no reply is left unread on it. */
    Socket socket() {
        return socket;
    }

    @Override
    public void close() {
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to do about a socket that will not close
        }
    }
}
