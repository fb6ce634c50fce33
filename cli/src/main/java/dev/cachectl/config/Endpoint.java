package dev.cachectl.config;

import dev.cachectl.CachectlException;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Where an instance answers: parsed from {@code redis://[user:pass@]host:port[/db]} or {@code rediss://…}.
 * {@link #toString()} is always redacted, so an endpoint can be logged or printed without leaking its password.
 */
public record Endpoint(String scheme, String host, int port, String user, String password, int db) {

    public static final int DEFAULT_PORT = 6379;

    public static Endpoint local(int port, String password) {
        return new Endpoint("redis", "127.0.0.1", port, null, password, 0);
    }

    public static Endpoint parse(String url) {
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw CachectlException.usage("not a valid URL: " + redact(url));
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("redis") && !scheme.equals("rediss")) {
            throw CachectlException.usage("unsupported URL scheme '" + scheme + "' in " + redact(url)
                    + " (expected redis:// or rediss://)");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw CachectlException.usage("URL has no host: " + redact(url));
        }
        int port = uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort();
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

    public boolean tls() {
        return scheme.equals("rediss");
    }

    public Endpoint withPassword(String newPassword) {
        return new Endpoint(scheme, host, port, user, newPassword, db);
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
        if (db != 0) {
            sb.append('/').append(db);
        }
        return sb.toString();
    }

    /** Best-effort redaction of a URL that may not even parse, for error messages. */
    public static String redact(String url) {
        return url.replaceAll("(://[^:/@]*:)[^@/]*@", "$1***@").replaceAll("(://)([^:/@]+)@", "$1***@");
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
