package dev.cachectl.redis.resp;

import dev.cachectl.config.Endpoint;
import dev.cachectl.redis.RedisClients;
import redis.clients.jedis.exceptions.JedisException;

import java.net.Socket;
import java.time.Duration;

/**
 * A connection (TLS when the endpoint asks for it, AUTH, SELECT, with Jedis's error translation) whose socket is then
 * used directly: for pipelines encoded by hand and for the replication protocol, which Jedis does not speak. A bare
 * socket ({@link RedisClients#socket}), not a Jedis connection, whose config reads Jedis's driver info from the jar,
 * a good share of a short {@code warm}'s start.
 */
public final class RawConnection implements AutoCloseable {
    private final Socket socket;

    private RawConnection(Socket socket) {
        this.socket = socket;
    }

    /**
     * Connects and authenticates, waiting {@code connect} for the connection and {@code reply} for each reply;
     * exit 3 when the server does not answer, 2 when the password is wrong.
     */
    public static RawConnection open(Endpoint endpoint, Duration connect, Duration reply) {
        try {
            return new RawConnection(RedisClients.socket(endpoint, connect, reply));
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
            socket.close();
        } catch (java.io.IOException ignored) {
            // already closed
        }
    }
}
