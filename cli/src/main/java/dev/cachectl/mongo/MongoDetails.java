package dev.cachectl.mongo;

import dev.cachectl.engine.ServerSample;
import dev.cachectl.util.Sizes;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What a MongoDB sample says beyond the core, shown by {@code status --json} as the instance's {@code mongo}
 * object (null when the instance is down). A value the server does not report is null, and the text says so.
 * {@code databases}: every database but admin, local and config (what {@code migrate} copies); their documents
 * are the instance's KEYS column.
 */
public record MongoDetails(Mongo mongo) implements ServerSample.Details {

    /** A mongo instance that did not answer. */
    public static final MongoDetails UNKNOWN = new MongoDetails(null);

    static final String NOT_REPORTED = "not reported by this server";

    /**
     * {@code role}: standalone, primary or secondary; {@code residentBytes}: the process's resident memory;
     * {@code opcounters}: operations since the server started, by kind (cachectl's probes included).
     */
    public record Mongo(String role, Long residentBytes, Opcounters opcounters, Cache cache, List<Database> databases) {
    }

    public record Opcounters(long insert, long query, long update, long delete, long getmore, long command) {
        long total() {
            return insert + query + update + delete + getmore + command;
        }
    }

    /**
     * The WiredTiger cache: bytes in it, its configured maximum, dirty bytes, pages read into it and pages requested
     * from it (its hit ratio, the instance's, is 1 - read / requested).
     */
    public record Cache(Long usedBytes, Long maxBytes, Long dirtyBytes, Long pagesRead, Long pagesRequested) {
    }

    /** One database: its collections, documents, and data, storage and index size in bytes (null: not reported). */
    public record Database(String name, Long collections, Long documents, Long dataSize, Long storageSize, Long indexSize) {
    }

    @Override
    public String role() {
        return mongo == null ? null : mongo.role();
    }

    /** Documents in its databases; null when a database did not say. */
    @Override
    public Long keys() {
        if (mongo == null || mongo.databases().stream().map(Database::documents).anyMatch(Objects::isNull)) {
            return null;
        }
        return mongo.databases().stream().mapToLong(Database::documents).sum();
    }

    /** One line per database, then the cache, the operation counters, and what the server does not report. */
    @Override
    public List<String> lines() {
        if (mongo == null) {
            return List.of();
        }
        List<String> lines = new ArrayList<>();
        for (Database db : mongo.databases()) {
            lines.add(db.documents() == null ? "db " + db.name() + ": " + NOT_REPORTED
                    : String.format(Locale.ROOT, "db %s: %s collections, %s documents, data %s, storage %s, indexes %s",
                    db.name(), text(db.collections()), text(db.documents()), size(db.dataSize()), size(db.storageSize()),
                    size(db.indexSize())));
        }
        List<String> missing = new ArrayList<>();
        Cache cache = mongo.cache();
        if (cache != null) {
            lines.add("cache " + size(cache.usedBytes()) + "/" + size(cache.maxBytes()) + ", dirty " + size(cache.dirtyBytes())
                    + ", " + text(cache.pagesRead()) + " of " + text(cache.pagesRequested()) + " pages requested read into it");
        } else {
            missing.add("cache");
        }
        Opcounters ops = mongo.opcounters();
        if (ops != null) {
            lines.add(String.format(Locale.ROOT, "operations: insert %d, query %d, update %d, delete %d, getmore %d, command %d",
                    ops.insert(), ops.query(), ops.update(), ops.delete(), ops.getmore(), ops.command()));
        } else {
            missing.add("operation counters");
        }
        if (mongo.residentBytes() == null) {
            missing.add("resident memory");
        }
        if (!missing.isEmpty()) {
            lines.add(String.join(", ", missing) + ": " + NOT_REPORTED);
        }
        return lines;
    }

    private static String size(Long bytes) {
        return bytes == null ? "-" : Sizes.human(bytes);
    }

    private static String text(Long n) {
        return n == null ? "-" : n.toString();
    }
}
