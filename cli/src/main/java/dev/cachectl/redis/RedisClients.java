package dev.cachectl.redis;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.config.Endpoint;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

import java.time.Duration;

/**
 * Opens Jedis connections for cachectl's own probes. {@code CLIENT SETINFO} is off so that a probe
 * sends only AUTH/SELECT and the command it was opened for, which the idle measurement discounts.
 */
public final class RedisClients {

    private RedisClients() {
    }

    public static Jedis open(Endpoint endpoint, Duration timeout) {
        DefaultJedisClientConfig config = clientConfig(endpoint, timeout);
        try {
            Jedis jedis = new Jedis(new HostAndPort(endpoint.host(), endpoint.port()), config);
            jedis.getConnection().connect();
            return jedis;
        } catch (JedisException e) {
            throw translate(endpoint, e);
        }
    }

    /** How cachectl connects to {@code endpoint}: credentials, db, TLS, and timeouts for connecting and for each reply. */
    public static DefaultJedisClientConfig clientConfig(Endpoint endpoint, Duration timeout) {
        int ms = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        DefaultJedisClientConfig.Builder builder = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(ms)
                .socketTimeoutMillis(ms)
                .user(endpoint.user())
                .password(endpoint.password())
                .database(endpoint.db())
                .ssl(endpoint.tls())
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED);
        if (endpoint.tls() && endpoint.caCert() != null) {
            builder.sslSocketFactory(TlsTrust.socketFactory(endpoint.caCert()));
        }
        return builder.build();
    }

    /** A Jedis failure as the one-line cause an operator needs, with the exit code it deserves. */
    public static CachectlException translate(Endpoint endpoint, JedisException e) {
        String cause = rootMessage(e);
        if (e instanceof JedisAccessControlException || cause.startsWith("WRONGPASS") || cause.startsWith("NOAUTH")
                || cause.contains("invalid password") || cause.contains("invalid username-password")) {
            return new CachectlException(ExitCode.USAGE, endpoint + ": authentication failed ("
                    + firstWord(cause) + "): check the password in the URL or config", e);
        }
        if (e instanceof JedisConnectionException) {
            return new CachectlException(ExitCode.DOWN, "cannot reach " + endpoint + ": " + cause + tlsHint(endpoint, cause), e);
        }
        if (e instanceof JedisDataException) {
            return new CachectlException(ExitCode.FAILED, endpoint + " answered with an error: " + cause, e);
        }
        return new CachectlException(ExitCode.FAILED, endpoint + ": " + cause, e);
    }

    /** What a TLS mismatch looks like from here is rarely self-explanatory. */
    private static String tlsHint(Endpoint endpoint, String cause) {
        if (endpoint.tls() && (cause.contains("certification path") || cause.contains("PKIX"))) {
            return " (its certificate is not trusted: a managed instance is trusted by its name; for another server, "
                    + "add its CA to a trust store and pass CACHECTL_JAVA_OPTS=-Djavax.net.ssl.trustStore=FILE)";
        }
        if (!endpoint.tls() && (cause.contains("Connection reset") || cause.contains("Unexpected end of stream"))) {
            return " (if it serves TLS, use rediss://)";
        }
        return "";
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        if (t != e && e.getMessage() != null && e.getMessage().startsWith("WRONGPASS")) {
            m = e.getMessage();
        }
        return m.lines().findFirst().orElse(m);
    }

    private static String firstWord(String s) {
        int space = s.indexOf(' ');
        return space < 0 ? s : s.substring(0, space);
    }
}
