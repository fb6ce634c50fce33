package dev.cachectl.config;

import dev.cachectl.CachectlException;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Where an instance answers: parsed from {@code redis://[user:pass@]host:port[/db]}, {@code rediss://…} (TLS),
 * or {@code redis+cluster://[user:pass@]host:port[,host:port…]} (a Redis Cluster, by its seed nodes;
 * {@code rediss+cluster://} with TLS). {@link #toString()} is always redacted, so an endpoint can be
 * logged or printed without leaking its password. {@code caCert}, a PEM file, is the certificate
 * authority a TLS server is trusted by when it is not one the JVM knows (a managed instance's own);
 * null means the JVM's trust store. {@code path} is what an engine that does not number its databases keeps
 * after the host (MongoDB's {@code db[.collection][?options]}, see {@code dev.cachectl.mongo.MongoUrls});
 * null for Redis, whose database is {@code db}.
 */
public record Endpoint(String scheme, String host, int port, String user, String password, int db,
                       java.util.List<String> moreSeeds, String caCert, String path) {

    public Endpoint {
        moreSeeds = moreSeeds == null ? java.util.List.of() : java.util.List.copyOf(moreSeeds);
    }

    public Endpoint(String scheme, String host, int port, String user, String password, int db,
                    java.util.List<String> moreSeeds, String caCert) {
        this(scheme, host, port, user, password, db, moreSeeds, caCert, null);
    }

    public Endpoint(String scheme, String host, int port, String user, String password, int db,
                    java.util.List<String> moreSeeds) {
        this(scheme, host, port, user, password, db, moreSeeds, null);
    }

    public Endpoint(String scheme, String host, int port, String user, String password, int db) {
        this(scheme, host, port, user, password, db, java.util.List.of());
    }

    public static final int DEFAULT_PORT = 6379;

    public static Endpoint local(int port, String password) {
        return new Endpoint("redis", "127.0.0.1", port, null, password, 0);
    }

    public static Endpoint parse(String url) {
        String trimmed = url.trim();
        String lower = trimmed.toLowerCase(Locale.ROOT);
        if (lower.startsWith("redis+cluster://") || lower.startsWith("rediss+cluster://")) {
            return parseCluster(trimmed);
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw CachectlException.usage("not a valid URL: " + redact(url));
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("redis") && !scheme.equals("rediss")) {
            throw CachectlException.usage("unsupported URL scheme '" + scheme + "' in " + redact(url)
                    + " (expected redis://, rediss:// or redis+cluster://)");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            checkPort(uri.getRawAuthority(), url);
            throw CachectlException.usage("URL has no host: " + redact(url));
        }
        int port = uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort();
        if (port < 1 || port > 65535) {
            throw CachectlException.usage("port " + port + " in " + redact(url) + " is out of range: use 1 to 65535");
        }
        String user = null;
        String password = null;
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            if (colon < 0) {
                // redis://secret@host is how many clients write a password without a user
                password = decode(userInfo);
            } else {
                user = userInfo.substring(0, colon).isEmpty() ? null : decode(userInfo.substring(0, colon));
                password = decode(userInfo.substring(colon + 1));
            }
        }
        int db = 0;
        String path = uri.getPath();
        if (path != null && path.length() > 1) {
            try {
                db = Integer.parseInt(path.substring(1));
            } catch (NumberFormatException e) {
                throw CachectlException.usage("database in URL must be a number: " + redact(url));
            }
            if (db < 0) {
                throw CachectlException.usage("database in URL must not be negative: " + redact(url));
            }
        }
        return new Endpoint(scheme, host, port, user, password, db);
    }

    /** java.net.URI reads {@code host:abc} as a host-less authority: say that the port is wrong, not the host. */
    private static void checkPort(String authority, String url) {
        if (authority == null) {
            return;
        }
        String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
        int colon = hostPort.lastIndexOf(':');
        if (colon > 0 && !hostPort.endsWith("]") && !hostPort.substring(colon + 1).matches("\\d*")) {
            throw CachectlException.usage("port '" + hostPort.substring(colon + 1) + "' in " + redact(url)
                    + " is not a number: use 1 to 65535");
        }
    }

    /**
     * Cluster URLs list several seeds, which java.net.URI cannot hold: the seeds are split off and
     * the URL is parsed again with the first one.
     */
    private static Endpoint parseCluster(String url) {
        int schemeEnd = url.indexOf("://") + 3;
        String scheme = url.substring(0, schemeEnd - 3).toLowerCase(Locale.ROOT);
        String rest = url.substring(schemeEnd);
        int at = rest.lastIndexOf('@');
        String userInfo = at < 0 ? "" : rest.substring(0, at + 1);
        String hosts = at < 0 ? rest : rest.substring(at + 1);
        if (hosts.contains("/")) {
            throw CachectlException.usage("a Redis Cluster has only db 0; remove the /db from " + redact(url));
        }
        String[] seeds = hosts.split(",");
        Endpoint first = parse((scheme.startsWith("rediss") ? "rediss" : "redis") + "://" + userInfo + seeds[0]);
        java.util.List<String> more = new java.util.ArrayList<>();
        for (int i = 1; i < seeds.length; i++) {
            Endpoint seed = parse("redis://" + seeds[i].trim());
            more.add(seed.host() + ":" + seed.port());
        }
        return new Endpoint(scheme, first.host(), first.port(), first.user(), first.password(), 0, more);
    }

    public boolean tls() {
        return scheme.startsWith("rediss");
    }

    public boolean cluster() {
        return scheme.endsWith("+cluster");
    }

    /** Every seed as {@code host:port}, the first one included. */
    public java.util.List<String> seeds() {
        java.util.List<String> all = new java.util.ArrayList<>();
        all.add(host + ":" + port);
        all.addAll(moreSeeds);
        return all;
    }

    /**
     * One node of this cluster, reached directly with the same credentials and TLS trust: what a
     * probe or a reader of one master connects to.
     */
    public Endpoint atNode(String nodeHost, int nodePort) {
        return new Endpoint(tls() ? "rediss" : "redis", nodeHost, nodePort, user, password, 0, java.util.List.of(), caCert);
    }

    public Endpoint withPassword(String newPassword) {
        return new Endpoint(scheme, host, port, user, newPassword, db, moreSeeds, caCert, path);
    }

    public Endpoint withDb(int newDb) {
        return new Endpoint(scheme, host, port, user, password, newDb, moreSeeds, caCert, path);
    }

    /** Over TLS, trusting the certificate authority in the PEM file {@code ca}. */
    public Endpoint withTls(String ca) {
        String tlsScheme = scheme.startsWith("rediss") ? scheme : scheme.replaceFirst("^redis", "rediss");
        return new Endpoint(tlsScheme, host, port, user, password, db, moreSeeds, ca, path);
    }

    /** The full URL, password included: for a child's environment, never for output. */
    public String secretUrl() {
        return format(false);
    }

    /** The URL with the password replaced by {@code ***}. */
    @Override
    public String toString() {
        return format(true);
    }

    private String format(boolean redacted) {
        StringBuilder sb = new StringBuilder(scheme).append("://");
        if (user != null || password != null) {
            if (user != null) {
                sb.append(encode(user));
            }
            if (password != null) {
                sb.append(':').append(redacted ? "***" : encode(password));
            }
            sb.append('@');
        }
        sb.append(host.contains(":") ? "[" + host + "]" : host).append(':').append(port);
        for (String seed : moreSeeds) {
            sb.append(',').append(seed);
        }
        if (path != null) {
            sb.append('/').append(path);
        } else if (db != 0) {
            sb.append('/').append(db);
        }
        return sb.toString();
    }

    /**
     * Best-effort redaction of a URL that may not even parse, for error messages: everything between the scheme (or
     * the start, when the {@code ://} is mistyped) and the last {@code @} is credentials, whatever it holds (a
     * password may hold {@code @}, {@code /} or {@code :}); a user name before the first {@code :} stays.
     */
    public static String redact(String url) {
        int scheme = url.indexOf("://");
        int start = scheme < 0 ? 0 : scheme + 3;
        int at = url.lastIndexOf('@');
        if (at < start) {
            return url;
        }
        String credentials = url.substring(start, at);
        int colon = credentials.indexOf(':');
        String user = colon < 0 ? "" : credentials.substring(0, colon);
        String shown = colon < 0 || user.contains("/") ? "***" : user + ":***";
        return url.substring(0, start) + shown + url.substring(at);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
