package dev.cachectl.mongo;

import dev.cachectl.CachectlException;
import dev.cachectl.config.Endpoint;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * MongoDB URLs as {@link Endpoint}s: {@code mongodb://[user:pass@]host[:port][,host:port…][/[db[.collection]][?options]]}.
 * The endpoint's scheme is {@code mongodb}, its first host and port are {@code host}/{@code port} (27017 when
 * none is given), further hosts are its seeds, and everything after the hosts' slash is kept as text in
 * {@link Endpoint#path()} ("" when there is none), so it prints back as written: {@code mongodb://127.0.0.1:27017/}.
 * A collection may hold dots ({@code shop.orders.2024}); the database is what comes before the first one.
 */
public final class MongoUrls {
    public static final String SCHEME = "mongodb";
    public static final int DEFAULT_PORT = 27017;
    private static final String EXAMPLE = "(mongodb://host:port/db.collection)";

    private MongoUrls() {
    }

    public static boolean looksLike(String url) {
        return url != null && url.trim().toLowerCase(Locale.ROOT).startsWith("mongodb");
    }

    /** Parses a mongodb:// URL; a malformed one is a usage error (exit 2) naming it, password redacted. */
    public static Endpoint parse(String url) {
        String text = url.trim();
        int schemeEnd = text.indexOf("://");
        String scheme = schemeEnd < 0 ? "" : text.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        if (scheme.equals("mongodb+srv")) {
            throw CachectlException.usage("mongodb+srv:// URLs are not supported here: give the hosts, as in "
                    + "mongodb://host:port/ (" + Endpoint.redact(text) + ")");
        }
        if (!scheme.equals(SCHEME)) {
            throw CachectlException.usage("not a MongoDB URL: " + Endpoint.redact(text) + " " + EXAMPLE);
        }
        String rest = text.substring(schemeEnd + 3);
        int slash = rest.indexOf('/');
        int query = rest.indexOf('?');
        int authorityEnd = slash >= 0 && (query < 0 || slash < query) ? slash : query >= 0 ? query : rest.length();
        String authority = rest.substring(0, authorityEnd);
        String path = authorityEnd == rest.length() ? "" : rest.substring(authorityEnd + (authorityEnd == slash ? 1 : 0));
        int at = authority.lastIndexOf('@');
        String user = null;
        String password = null;
        if (at >= 0) {
            String info = authority.substring(0, at);
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon));
            password = colon < 0 ? null : decode(info.substring(colon + 1));
            user = user.isEmpty() ? null : user;
        }
        String hosts = authority.substring(at + 1);
        if (hosts.isEmpty()) {
            throw CachectlException.usage("URL has no host: " + Endpoint.redact(text) + " " + EXAMPLE);
        }
        List<String> seeds = new ArrayList<>();
        String firstHost = null;
        int firstPort = 0;
        for (String seed : hosts.split(",")) {
            String[] hostPort = hostAndPort(seed.trim(), text);
            int port = Integer.parseInt(hostPort[1]);
            if (firstHost == null) {
                firstHost = hostPort[0];
                firstPort = port;
            } else {
                seeds.add((hostPort[0].contains(":") ? "[" + hostPort[0] + "]" : hostPort[0]) + ":" + port);
            }
        }
        checkDatabase(path, text);
        return new Endpoint(SCHEME, firstHost, firstPort, user, password, 0, seeds, null, path);
    }

    /** The database the URL names, if any. */
    public static Optional<String> database(Endpoint endpoint) {
        String ns = namespace(endpoint);
        int dot = ns.indexOf('.');
        String db = dot < 0 ? ns : ns.substring(0, dot);
        return db.isEmpty() ? Optional.empty() : Optional.of(db);
    }

    /** The collection the URL names after its database ({@code db.collection}), if any. */
    public static Optional<String> collection(Endpoint endpoint) {
        String ns = namespace(endpoint);
        int dot = ns.indexOf('.');
        return dot < 0 || dot == ns.length() - 1 ? Optional.empty() : Optional.of(ns.substring(dot + 1));
    }

    /** The URL's options ({@code authSource=admin&…}), without the question mark; "" when none. */
    public static String options(Endpoint endpoint) {
        String path = endpoint.path() == null ? "" : endpoint.path();
        int q = path.indexOf('?');
        return q < 0 ? "" : path.substring(q + 1);
    }

    /**
     * The connection string the MongoDB driver takes, password included (never print it): the hosts, the
     * database (the driver's authentication default) and the options, without the collection.
     */
    public static String connectionString(Endpoint endpoint) {
        StringBuilder sb = new StringBuilder(SCHEME).append("://");
        if (endpoint.user() != null || endpoint.password() != null) {
            sb.append(endpoint.user() == null ? "" : encode(endpoint.user()));
            if (endpoint.password() != null) {
                sb.append(':').append(encode(endpoint.password()));
            }
            sb.append('@');
        }
        String first = endpoint.host().contains(":") ? "[" + endpoint.host() + "]" : endpoint.host();
        sb.append(first).append(':').append(endpoint.port());
        endpoint.moreSeeds().forEach(seed -> sb.append(',').append(seed));
        sb.append('/').append(database(endpoint).orElse(""));
        String options = options(endpoint);
        return options.isEmpty() ? sb.toString() : sb.append('?').append(options).toString();
    }

    /** The endpoint of a server on this machine's loopback, naming no database. */
    public static Endpoint local(int port) {
        return new Endpoint(SCHEME, "127.0.0.1", port, null, null, 0, List.of(), null, "");
    }

    private static String namespace(Endpoint endpoint) {
        String path = endpoint.path() == null ? "" : endpoint.path();
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
    }

    private static String[] hostAndPort(String seed, String url) {
        String host;
        String port;
        if (seed.startsWith("[")) {
            int close = seed.indexOf(']');
            if (close < 0) {
                throw CachectlException.usage("not a valid host '" + seed + "' in " + Endpoint.redact(url));
            }
            host = seed.substring(1, close);
            port = seed.length() > close + 1 && seed.charAt(close + 1) == ':' ? seed.substring(close + 2) : "";
        } else {
            int colon = seed.lastIndexOf(':');
            host = colon < 0 ? seed : seed.substring(0, colon);
            port = colon < 0 ? "" : seed.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw CachectlException.usage("URL has no host: " + Endpoint.redact(url) + " " + EXAMPLE);
        }
        if (port.isEmpty()) {
            return new String[]{host, Integer.toString(DEFAULT_PORT)};
        }
        if (!port.matches("\\d{1,5}")) {
            throw CachectlException.usage("port '" + port + "' in " + Endpoint.redact(url) + " is not a number: use 1 to 65535");
        }
        int n = Integer.parseInt(port);
        if (n < 1 || n > 65535) {
            throw CachectlException.usage("port " + n + " in " + Endpoint.redact(url) + " is out of range: use 1 to 65535");
        }
        return new String[]{host, port};
    }

    /** MongoDB refuses these characters in a database name; say so before any connection is tried. */
    private static void checkDatabase(String path, String url) {
        int q = path.indexOf('?');
        String ns = q < 0 ? path : path.substring(0, q);
        int dot = ns.indexOf('.');
        String db = dot < 0 ? ns : ns.substring(0, dot);
        if (dot == 0 || db.chars().anyMatch(c -> "/\\ \"$".indexOf(c) >= 0)) {
            throw CachectlException.usage("not a valid database name '" + db + "' in " + Endpoint.redact(url) + " " + EXAMPLE);
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
