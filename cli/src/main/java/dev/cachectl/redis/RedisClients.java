package dev.cachectl.redis;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.config.Endpoint;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.Connection;
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

    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(5);

    private RedisClients() {
    }

    public static Jedis open(Endpoint endpoint, Duration timeout) {
        try {
            return connected(endpoint, timeout);
        } catch (JedisException e) {
            throw translate(endpoint, e);
        }
    }

    /** A connection to {@code endpoint}, connected; a failure as Jedis reports it, for the caller to name. */
    static Jedis connected(Endpoint endpoint, Duration timeout) {
        Jedis jedis = new Jedis(new HostAndPort(endpoint.host(), endpoint.port()), clientConfig(endpoint, timeout));
        jedis.getConnection().connect();
        return jedis;
    }

    /**
     * Closes {@code jedis} without throwing: on a connection already lost, Jedis flushes what it still
     * buffers and throws the loss again, which whoever met it first has reported.
     */
    public static void closeQuietly(Jedis jedis) {
        try {
            jedis.close();
        } catch (JedisException e) {
            // the connection is gone either way
        }
    }

    /** How cachectl connects to {@code endpoint}: credentials, db, TLS, and the wait to connect and for each reply. */
    public static DefaultJedisClientConfig clientConfig(Endpoint endpoint, Duration timeout) {
        DefaultJedisClientConfig.Builder builder = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(millis(timeout))
                .socketTimeoutMillis(millis(timeout))
                .user(endpoint.user())
                .password(endpoint.password())
                .database(endpoint.db())
                .ssl(endpoint.tls())
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED)
                // RESP2 and a plain AUTH, as a full Jedis client speaks: a bare connection would otherwise send
                // HELLO … AUTH first, which a server without a password accepts with any password
                .autoNegotiateProtocol(false);
        if (endpoint.tls()) {
            builder.sslSocketFactory(TlsTrust.handshaking(endpoint.caCert()));
        }
        return builder.build();
    }

    /** A timeout as a socket takes it: at least 1 ms (0 would wait for ever), at most what an int holds. */
    public static int millis(Duration timeout) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    }

    /**
     * Checks that {@code endpoint} answers as a Redis server and accepts us (password, db) before a
     * command does anything with it: a server that asks for nothing until the first command (no
     * password sent, db 0) is only found out by one. A cluster is checked at the first seed that answers.
     */
    public static void check(Endpoint... endpoints) {
        for (Endpoint endpoint : endpoints) {
            check(endpoint, CHECK_TIMEOUT);
        }
    }

    /** {@link #check(Endpoint...)} with its own timeout. */
    public static void check(Endpoint endpoint, Duration timeout) {
        if (!endpoint.cluster()) {
            ping(endpoint, timeout);
            return;
        }
        CachectlException last = null;
        for (String seed : endpoint.seeds()) {
            int colon = seed.lastIndexOf(':');
            try {
                ping(endpoint.atNode(seed.substring(0, colon), Integer.parseInt(seed.substring(colon + 1))), timeout);
                return;
            } catch (CachectlException e) {
                if (e.exitCode() != ExitCode.DOWN) {
                    throw e;
                }
                last = e;
            }
        }
        throw last;
    }

    /**
     * On a bare connection ({@link BareConnection}): a full Jedis client loads a few hundred classes (a tenth of a
     * second) for one PING, and a Jedis connection's config reads Jedis's driver info from the jar, a tenth of a short
     * {@code warm}'s start.
     */
    private static void ping(Endpoint endpoint, Duration timeout) {
        try (BareConnection connection = BareConnection.open(endpoint, timeout)) {
            connection.call("PING");
        } catch (JedisException e) {
            throw translate(endpoint, e);
        }
    }

    /**
     * {@code INFO} (of {@code sections}, the server's default ones when none) on a bare connection
     * ({@link BareConnection}), with
     * {@code CLUSTER INFO} too when {@code cluster} and the server says it runs in cluster mode (else null):
     * a full Jedis client loads a few hundred classes, a good share of a {@code status} or {@code start}.
     * Jedis's own exceptions, untranslated, so that a caller can tell LOADING or a refused connection apart.
     */
    public static Info info(Endpoint endpoint, Duration timeout, boolean cluster, String... sections) {
        try (BareConnection connection = BareConnection.open(endpoint, timeout)) {
            String[] command = new String[sections.length + 1];
            command[0] = "INFO";
            System.arraycopy(sections, 0, command, 1, sections.length);
            RedisInfo info = RedisInfo.parse(connection.call(command));
            String clusterInfo = cluster && info.number("cluster_enabled") == 1 ? connection.call("CLUSTER", "INFO") : null;
            return new Info(info, clusterInfo == null ? null : RedisInfo.parse(clusterInfo));
        }
    }

    /**
     * A socket to the server, connected (with TLS when the endpoint asks for it), authenticated and on the
     * endpoint's db, as a Jedis connection would leave it (and failing with the same exceptions), for a caller that
     * speaks RESP on it itself.
     */
    public static java.net.Socket socket(Endpoint endpoint, Duration connect, Duration reply) {
        return BareConnection.open(endpoint, connect, reply).socket();
    }

    /**
     * The text of {@code CLIENT LIST}, on a bare connection as {@link #info} reads INFO; null when the server
     * refuses it (the command renamed away, or not allowed to this user). Jedis's own exceptions, untranslated.
     */
    public static String clientList(Endpoint endpoint, Duration timeout) {
        try (BareConnection connection = BareConnection.open(endpoint, timeout)) {
            return connection.call("CLIENT", "LIST");
        } catch (JedisDataException refused) {
            String cause = String.valueOf(refused.getMessage());
            if (cause.startsWith("NOAUTH") || cause.startsWith("WRONGPASS") || cause.startsWith("LOADING")) {
                throw refused;
            }
            return null;
        }
    }

    /** What {@link #info} read: the server's {@code INFO}, and its {@code CLUSTER INFO} when asked for and in cluster mode. */
    public record Info(RedisInfo info, RedisInfo clusterInfo) {
    }

    /** A Jedis failure as the one-line cause an operator needs, with the exit code it deserves. */
    public static CachectlException translate(Endpoint endpoint, JedisException e) {
        String cause = rootMessage(e);
        if (cause.startsWith("NOAUTH")) {
            return new CachectlException(ExitCode.USAGE, endpoint + " needs a password: give it in the URL "
                    + "(redis://:PASSWORD@host:port) or in the config", e);
        }
        if (e instanceof JedisAccessControlException || cause.startsWith("WRONGPASS")
                || cause.contains("invalid password") || cause.contains("invalid username-password")) {
            return new CachectlException(ExitCode.USAGE, endpoint + ": authentication failed ("
                    + firstWord(cause) + "): check the password in the URL or config", e);
        }
        if (cause.contains("without any password configured") || cause.contains("no password is set")) {
            return new CachectlException(ExitCode.USAGE, endpoint + " has no password, but one was given: "
                    + "remove it from the URL or config", e);
        }
        if (cause.contains("DB index is out of range")) {
            return new CachectlException(ExitCode.USAGE, endpoint + ": the server has no db " + endpoint.db()
                    + databases(endpoint) + ": fix the /db in the URL", e);
        }
        if (cause.startsWith("Unknown reply")) {
            return new CachectlException(ExitCode.DOWN, endpoint.host() + ":" + endpoint.port()
                    + " answered, but not as a Redis server" + tlsReply(endpoint, cause), e);
        }
        if (e instanceof JedisConnectionException) {
            return new CachectlException(ExitCode.DOWN, "cannot reach " + endpoint + ": " + connectionCause(e, cause)
                    + tlsHint(endpoint, cause), e);
        }
        if (e instanceof JedisDataException) {
            return new CachectlException(ExitCode.FAILED, endpoint + " answered with an error: " + cause, e);
        }
        return new CachectlException(ExitCode.FAILED, endpoint + ": " + cause, e);
    }

    /** A TLS server answers plain text with a binary alert record, not with text. */
    private static String tlsReply(Endpoint endpoint, String cause) {
        String reply = cause.substring("Unknown reply".length()).replaceFirst("^: ?", "");
        boolean binary = !reply.isEmpty() && (reply.charAt(0) < 0x20 || reply.charAt(0) > 0x7e);
        return !endpoint.tls() && binary ? " (if it serves TLS, use rediss://)" : "";
    }

    /** How many databases the server has, best effort (CONFIG may be renamed or forbidden). */
    private static String databases(Endpoint endpoint) {
        try (Jedis jedis = open(endpoint.withDb(0), Duration.ofSeconds(2))) {
            java.util.Map<String, String> reply = jedis.configGet("databases");
            String n = reply.get("databases");
            return n == null ? "" : " (it has " + n + ": 0 to " + (Integer.parseInt(n) - 1) + ")";
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** Why a connection failed or broke, in an operator's words, for a failure no endpoint is known for. */
    public static String connectionProblem(JedisConnectionException e) {
        return connectionCause(e, rootMessage(e));
    }

    /** The socket-level cause in an operator's words, rather than the JDK's message alone. */
    private static String connectionCause(Throwable e, String cause) {
        java.util.List<Throwable> chain = new java.util.ArrayList<>();
        for (Throwable t = e; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
            // Jedis keeps each address's failure as a suppressed exception of "Failed to connect"
            chain.addAll(java.util.List.of(t.getSuppressed()));
        }
        for (Throwable t : chain) {
            if (t instanceof java.net.ConnectException) {
                return "nothing accepts connections there (connection refused)";
            }
            if (t instanceof java.net.UnknownHostException) {
                return "unknown host " + hostOf(t);
            }
            if (t instanceof java.net.SocketTimeoutException) {
                return "no answer in time (timed out)";
            }
            if (t instanceof java.net.NoRouteToHostException) {
                return "no route to that host";
            }
        }
        if (cause.startsWith("Failed to connect")) {
            return "no connection could be made";
        }
        if (cause.contains("Connection reset") || cause.contains("Broken pipe") || cause.contains("Unexpected end of stream")) {
            return "the server closed the connection";
        }
        return cause;
    }

    private static String hostOf(Throwable unknownHost) {
        return unknownHost.getMessage() == null ? "" : unknownHost.getMessage().split(":")[0];
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
        // a plain server reads a TLS hello as the start of a command line and waits for its end: the handshake
        // times out; asked in plain text, it answers
        if (endpoint.tls() && cause.contains("timed out") && answersPlainText(endpoint)) {
            return " (it answers without TLS: use redis://)";
        }
        return "";
    }

    /** Whether a Redis server answers a plain-text PING on the endpoint's port, within a second. */
    private static boolean answersPlainText(Endpoint endpoint) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(endpoint.host(), endpoint.port()), 1000);
            socket.setSoTimeout(1000);
            socket.getOutputStream().write("PING\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            int first = socket.getInputStream().read();
            // +PONG, or -NOAUTH from a server with a password
            return first == '+' || first == '-';
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? "no detail given" : t.getMessage();
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
