package dev.cachectl.redis;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.config.Endpoint;
import dev.cachectl.util.Durations;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Locale;

/**
 * A connection that worked and then failed in the middle of a job, said as what happened to which
 * server ("lost the connection to source redis://…: connection reset"), never as the Java exception
 * that reported it. {@link RedisClients#translate} covers failures to connect; this covers the loss
 * of a connection that was already in use.
 */
public final class ConnectionLoss {

    private ConnectionLoss() {
    }

    /**
     * {@code role} says what the server is to the job ("source", "target"). A connection failure
     * becomes exit 3 with the loss named; anything else (an error reply, a wrong password) is left to
     * {@link RedisClients#translate}, with the role in front. The cluster client's last word after its
     * retries ("No more cluster attempts left", "Cluster retry deadline exceeded") is a loss too when
     * connections failed, named by the node it last tried. {@code timeout}: how long a reply was waited for,
     * which a server that stopped answering is said to have let pass.
     */
    public static CachectlException of(String role, Endpoint endpoint, JedisException e, Duration timeout) {
        if (e instanceof JedisClusterOperationException retried && connectionsFailed(retried)) {
            HostAndPort node = retried.getNode();
            String where = node == null ? role + " " + endpoint : role + " node " + endpoint.atNode(node.getHost(), node.getPort());
            String what = retried.getCause() == null ? "no answer within " + Durations.format(timeout) + ", retries included"
                    : what(retried, timeout);
            return new CachectlException(ExitCode.DOWN, "lost the connection to " + where + ": " + what, e);
        }
        if (e instanceof JedisConnectionException && !tls(e)) {
            return new CachectlException(ExitCode.DOWN, "lost the connection to " + role + " " + endpoint + ": "
                    + what(e, timeout), e);
        }
        CachectlException translated = RedisClients.translate(endpoint, e);
        return new CachectlException(translated.exitCode(), role + " " + translated.getMessage(), e);
    }

    /**
     * Another connection to a server the job has already reached, opened mid-run (a worker's first, a db's): a
     * failure to connect now is the server's loss, said as {@link #of} says it, not as a server never reached.
     */
    public static Jedis open(String role, Endpoint endpoint, Duration timeout) {
        try {
            return RedisClients.connected(endpoint, timeout);
        } catch (JedisException e) {
            throw of(role, endpoint, e, timeout);
        }
    }

    /**
     * For work that reads {@code source} and writes a target in one go (a copy by type, a verify):
     * the loss named on the side whose connection broke.
     */
    public static CachectlException eitherSide(Jedis source, Endpoint sourceEndpoint, Endpoint targetEndpoint,
                                               JedisException e, Duration timeout) {
        boolean sourceLost = source.getConnection().isBroken();
        return of(sourceLost ? "source" : "target", sourceLost ? sourceEndpoint : targetEndpoint, e, timeout);
    }

    /**
     * The retries ended on a failed connection, or ran out of time after some (Jedis then gives no cause);
     * not when they ended on redirections, or on a slot no node serves.
     */
    private static boolean connectionsFailed(JedisClusterOperationException e) {
        if (e.getCause() == null) {
            return String.valueOf(e.getMessage()).startsWith("Cluster retry deadline exceeded");
        }
        return e.getCause() instanceof JedisConnectionException && !tls(e);
    }

    /** A TLS handshake failure: not a loss but a connection that never worked, which translate explains. */
    private static boolean tls(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException) {
                return true;
            }
        }
        return false;
    }

    /** What happened to a connection, in words: "connection reset", "no reply within the timeout", … */
    public static String what(Throwable e) {
        return what(e, null);
    }

    /** {@link #what(Throwable)}, naming the timeout that passed ("no reply within 30s") when it is known (not null). */
    public static String what(Throwable e, Duration timeout) {
        Throwable t = root(e);
        if (t.getSuppressed().length > 0) {
            // a failure to connect: Jedis keeps each address's as a suppressed exception of "Failed to connect"
            t = root(t.getSuppressed()[0]);
        }
        String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
        if (t instanceof SocketTimeoutException || m.contains("timed out")) {
            return "no reply within " + (timeout == null ? "the timeout" : Durations.format(timeout));
        }
        if (t instanceof ConnectException || m.contains("connection refused")) {
            return "connection refused (the server is down)";
        }
        if (m.contains("connection reset")) {
            return "connection reset";
        }
        if (m.contains("broken pipe")) {
            return "connection broken (the server went away)";
        }
        if (t instanceof EOFException || m.contains("end of stream") || m.contains("closed the connection")) {
            return "the server closed the connection";
        }
        return "the connection failed";
    }

    private static Throwable root(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }
}
