package dev.cachectl.redis.resp;

import dev.cachectl.config.Endpoint;
import dev.cachectl.redis.RedisClients;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisSocketFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisSocketFactory;
import redis.clients.jedis.exceptions.JedisException;

import java.net.Socket;
import java.time.Duration;

/**
 * A connection (AUTH, SELECT, with Jedis's error translation) whose socket is then used directly: for
 * pipelines encoded by hand and for the replication protocol, which Jedis does not speak. Jedis opens it
 * only for TLS: a plain one is a bare socket ({@link RedisClients#plainSocket}), since a Jedis connection's
 * config reads Jedis's driver info from the jar, a good share of a short {@code warm}'s start.
 */
public final class RawConnection implements AutoCloseable {
    private final Connection connection;
    private final Socket socket;

    private RawConnection(Connection connection, Socket socket) {
        this.connection = connection;
        this.socket = socket;
    }

    /**
     * Connects and authenticates, waiting {@code connect} for the connection and {@code reply} for each reply;
     * exit 3 when the server does not answer, 2 when the password is wrong.
     */
    public static RawConnection open(Endpoint endpoint, Duration connect, Duration reply) {
        if (!endpoint.tls()) {
            try {
                return new RawConnection(null, RedisClients.plainSocket(endpoint, connect, reply));
            } catch (JedisException e) {
                throw RedisClients.translate(endpoint, e);
            }
        }
        JedisClientConfig config = RedisClients.clientConfig(endpoint, connect, reply);
        Capturing sockets = new Capturing(new DefaultJedisSocketFactory(new HostAndPort(endpoint.host(), endpoint.port()), config));
        try {
            Connection connection = new Connection(sockets, config);
            if (sockets.socket == null) {
                connection.connect();
            }
            return new RawConnection(connection, sockets.socket);
        } catch (JedisException e) {
            throw RedisClients.translate(endpoint, e);
        }
    }

    public Socket socket() {
        return socket;
    }

    @Override
    public void close() {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (RuntimeException ignored) {
            // a broken connection cannot be closed politely; the socket goes either way
        }
        try {
            socket.close();
        } catch (java.io.IOException ignored) {
            // already closed
        }
    }

    /** Keeps the socket Jedis connects. */
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
}
