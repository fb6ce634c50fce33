package dev.cachectl.mongo.copy;

import dev.cachectl.CachectlException;
import dev.cachectl.batch.BatchSettings;
import dev.cachectl.config.Endpoint;
import dev.cachectl.migrate.CopyPlan;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A MongoDB migrate as the user asked for it: the two ends (mongodb endpoints, see {@code MongoUrls}), which namespaces ({@code match} and
 * {@code exclude} globs on {@code db.collection}), {@code renames} ({@code db.coll} or {@code db} to
 * its new name), a filter ({@code query}, Extended JSON), replace or skip existing documents, batch,
 * threads, rate, checkpoint and verification.
 */
public record MongoMigrationPlan(Endpoint source, Endpoint target, List<String> match, List<String> exclude,
                                 Map<String, String> renames, String query, boolean replace, BatchSettings batch,
                                 Path checkpoint, boolean resume, String verify) implements CopyPlan {

    /** Parses {@code --rename a.b=c.d} or {@code a=c} (a whole database). */
    public static void parseRename(String text, Map<String, String> into) {
        int eq = text.indexOf('=');
        String from = eq < 0 ? "" : text.substring(0, eq).trim();
        String to = eq < 0 ? "" : text.substring(eq + 1).trim();
        boolean fromColl = from.contains(".");
        boolean toColl = to.contains(".");
        if (from.isEmpty() || to.isEmpty() || fromColl != toColl || from.startsWith(".") || to.startsWith(".")
                || from.endsWith(".") || to.endsWith(".")) {
            throw CachectlException.usage("--rename takes DB.COLLECTION=DB.COLLECTION or DB=DB, e.g. shop.users=crm.users"
                    + " or shop=crm (got '" + text + "')");
        }
        into.put(from, to);
    }
}
