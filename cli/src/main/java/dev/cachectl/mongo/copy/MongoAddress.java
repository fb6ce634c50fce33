package dev.cachectl.mongo.copy;

import dev.cachectl.CachectlException;
import dev.cachectl.config.Endpoint;

import java.util.Locale;

/**
 * A migrate end: {@code mongodb://[user:pass@]host[:port][,host…]/[db[.collection]][?options]} (or
 * {@code mongodb+srv://}). The collection is split off, since the driver's connection string names at
 * most a database (which is also where credentials are checked, as the driver does).
 * (Until the engine seam's {@code MongoUrls} is merged, migrate parses its URLs here.)
 */
public record MongoAddress(String url, String connectionString, String database, String collection) {

    public static boolean looksLike(String text) {
        String lower = text.trim().toLowerCase(Locale.ROOT);
        return lower.startsWith("mongodb://") || lower.startsWith("mongodb+srv://");
    }

    public static MongoAddress parse(String url) {
        String trimmed = url.trim();
        int hostsStart = trimmed.indexOf("://") + 3;
        int query = trimmed.indexOf('?', hostsStart);
        int slash = trimmed.indexOf('/', hostsStart);
        if (slash < 0 || query >= 0 && query < slash) {
            slash = query < 0 ? trimmed.length() : query;
        }
        String hosts = trimmed.substring(hostsStart, slash);
        if (hosts.isEmpty() || hosts.endsWith("@")) {
            throw CachectlException.usage("URL has no host: " + Endpoint.redact(trimmed));
        }
        String path = slash >= trimmed.length() || trimmed.charAt(slash) != '/' ? ""
                : query < 0 ? trimmed.substring(slash + 1) : trimmed.substring(slash + 1, query);
        String options = query < 0 ? "" : trimmed.substring(query);
        int dot = path.indexOf('.');
        String db = dot < 0 ? path : path.substring(0, dot);
        String collection = dot < 0 ? null : path.substring(dot + 1);
        if (dot == 0 || collection != null && collection.isEmpty()) {
            throw CachectlException.usage("name a database, or a database and collection: " + Endpoint.redact(trimmed)
                    + " (mongodb://host:port/db or /db.collection)");
        }
        return new MongoAddress(trimmed, trimmed.substring(0, hostsStart) + hosts + "/" + db + options,
                db.isEmpty() ? null : db, collection);
    }

    /** The URL with any password replaced by {@code ***}. */
    @Override
    public String toString() {
        return Endpoint.redact(url);
    }
}
