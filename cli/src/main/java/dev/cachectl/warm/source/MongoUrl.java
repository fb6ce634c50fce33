package dev.cachectl.warm.source;

import dev.cachectl.CachectlException;
import dev.cachectl.config.Endpoint;

/**
 * {@code mongodb://[user:pass@]host[:port][,host…]/db.collection[?options]} (or {@code mongodb+srv://}):
 * the collection is split off, since the driver's connection string names only a database.
 */
public record MongoUrl(String url, String connectionString, String database, String collection) {

    public static boolean looksLike(String text) {
        return text.startsWith("mongodb://") || text.startsWith("mongodb+srv://");
    }

    public static MongoUrl parse(String url) {
        int hostsStart = url.indexOf("://") + 3;
        int slash = url.indexOf('/', hostsStart);
        int query = url.indexOf('?', hostsStart);
        if (slash < 0 || query >= 0 && query < slash) {
            throw CachectlException.usage("name a database and collection: " + Endpoint.redact(url)
                    + " (mongodb://host:port/db.collection)");
        }
        String path = query < 0 ? url.substring(slash + 1) : url.substring(slash + 1, query);
        int dot = path.indexOf('.');
        if (dot <= 0 || dot == path.length() - 1) {
            throw CachectlException.usage("name a collection after the database: " + Endpoint.redact(url)
                    + " (mongodb://host:port/db.collection)");
        }
        String db = path.substring(0, dot);
        String options = query < 0 ? "" : url.substring(query);
        return new MongoUrl(url, url.substring(0, slash + 1) + db + options, db, path.substring(dot + 1));
    }

    /** The URL with any password replaced by {@code ***}. */
    @Override
    public String toString() {
        return Endpoint.redact(url);
    }
}
