package dev.cachectl.mongo.copy;

import com.mongodb.client.MongoClient;
import dev.cachectl.CachectlException;
import dev.cachectl.config.Endpoint;
import dev.cachectl.migrate.Glob;
import dev.cachectl.mongo.MongoUrls;
import org.bson.Document;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which source collections a migrate copies and where each goes: the source URL's scope (every
 * database but admin, local and config; one database; one collection), {@code --match} and
 * {@code --exclude} globs on {@code db.collection}, then {@code --rename} (a collection first, else its
 * database) or the target URL's database and collection. Views and {@code system.*} are not copied.
 */
final class Namespaces {
    private static final Set<String> INTERNAL = Set.of("admin", "local", "config");

    /** A source namespace and where it goes on the target. */
    record Pair(String sourceDb, String sourceCollection, String targetDb, String targetCollection) {
        String source() {
            return sourceDb + "." + sourceCollection;
        }

        String target() {
            return targetDb + "." + targetCollection;
        }
    }

    private Namespaces() {
    }

    static List<Pair> select(MongoClient source, MongoMigrationPlan plan) {
        List<String> dbs = MongoUrls.database(plan.source()).isPresent() ? List.of(MongoUrls.database(plan.source()).get())
                : source.listDatabaseNames().into(new ArrayList<>()).stream().filter(d -> !INTERNAL.contains(d)).sorted().toList();
        List<Glob> match = plan.match().stream().map(Glob::of).toList();
        List<Glob> exclude = plan.exclude().stream().map(Glob::of).toList();
        List<Pair> out = new ArrayList<>();
        for (String db : dbs) {
            List<String> names = new ArrayList<>();
            for (Document info : source.getDatabase(db).listCollections()) {
                String name = info.getString("name");
                boolean view = "view".equals(info.getString("type"));
                boolean wanted = MongoUrls.collection(plan.source()).map(name::equals).orElse(true);
                if (!view && wanted && !name.startsWith("system.")) {
                    names.add(name);
                }
            }
            names.sort(null);
            for (String coll : names) {
                byte[] ns = (db + "." + coll).getBytes(StandardCharsets.UTF_8);
                if ((match.isEmpty() || match.stream().anyMatch(g -> g.matches(ns))) && exclude.stream().noneMatch(g -> g.matches(ns))) {
                    out.add(target(db, coll, plan));
                }
            }
        }
        if (out.isEmpty() && MongoUrls.collection(plan.source()).isPresent()) {
            throw CachectlException.usage(plan.source() + ": no collection " + MongoUrls.database(plan.source()).orElse("") + "."
                    + MongoUrls.collection(plan.source()).get() + " there (or --match/--exclude leave nothing)");
        }
        if (out.isEmpty() && MongoUrls.database(plan.source()).isPresent()) {
            // a database exists only while it holds a collection: a misspelt name is not "nothing to copy"
            throw CachectlException.usage(plan.source() + ": no collection in database " + MongoUrls.database(plan.source()).get()
                    + " there (no such database, or --match/--exclude leave nothing)");
        }
        return out;
    }

    private static Pair target(String db, String coll, MongoMigrationPlan plan) {
        Map<String, String> renames = plan.renames();
        String renamed = renames.get(db + "." + coll);
        if (renamed != null) {
            int dot = renamed.indexOf('.');
            return new Pair(db, coll, renamed.substring(0, dot), renamed.substring(dot + 1));
        }
        if (renames.containsKey(db)) {
            return new Pair(db, coll, renames.get(db), coll);
        }
        Endpoint from = plan.source();
        Endpoint to = plan.target();
        String targetDb = MongoUrls.database(from).isPresent() ? MongoUrls.database(to).orElse(db) : db;
        String targetColl = MongoUrls.collection(from).isPresent() ? MongoUrls.collection(to).orElse(coll) : coll;
        return new Pair(db, coll, targetDb, targetColl);
    }
}
