package dev.cachectl.mongo.copy;

import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import dev.cachectl.CachectlException;
import org.bson.Document;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Creates a target collection before its documents: with the source collection's options (capped
 * size and max, validator, collation, …) when it does not exist yet, then every source index but
 * {@code _id_} with its options (unique, sparse, partialFilterExpression, expireAfterSeconds, text
 * weights, …). What the target refuses is returned as a note, not hidden.
 */
final class CollectionSetup {
    /** Index fields that describe the server's copy rather than the index. */
    private static final Set<String> NOT_OPTIONS = Set.of("v", "ns");
    /** Collection options that belong to the source collection itself. */
    private static final Set<String> NOT_COPIED = Set.of("uuid");

    private CollectionSetup() {
    }

    static List<String> prepare(MongoClient source, MongoClient target, Namespaces.Pair ns) {
        List<String> notes = new ArrayList<>();
        MongoDatabase from = source.getDatabase(ns.sourceDb());
        MongoDatabase to = target.getDatabase(ns.targetDb());
        Document info = from.listCollections().filter(new Document("name", ns.sourceCollection())).first();
        Document options = info == null ? new Document() : info.get("options", new Document());
        if (!to.listCollectionNames().into(new ArrayList<>()).contains(ns.targetCollection())) {
            Document create = new Document("create", ns.targetCollection());
            options.forEach((k, v) -> {
                if (!NOT_COPIED.contains(k)) {
                    create.put(k, v);
                }
            });
            try {
                to.runCommand(create);
            } catch (MongoCommandException e) {
                if (create.size() == 1) {
                    throw e;
                }
                to.runCommand(new Document("create", ns.targetCollection()));
                notes.add(ns.target() + ": created without its options " + options.keySet() + ", which the target refused ("
                        + reason(e) + ")");
            }
        }
        for (Document index : indexes(from, ns.sourceCollection())) {
            try {
                to.runCommand(new Document("createIndexes", ns.targetCollection()).append("indexes", List.of(index)));
            } catch (MongoCommandException e) {
                notes.add(ns.target() + ": index " + index.getString("name") + " " + index.get("key", Document.class).toJson()
                        + " not created: the target refused it (" + reason(e) + ")");
            }
        }
        return notes;
    }

    /** The collection's indexes but {@code _id_}, as createIndexes takes them. */
    static List<Document> indexes(MongoDatabase db, String collection) {
        List<Document> out = new ArrayList<>();
        for (Document index : db.getCollection(collection).listIndexes()) {
            if ("_id_".equals(index.getString("name"))) {
                continue;
            }
            Document spec = new Document();
            index.forEach((k, v) -> {
                if (!NOT_OPTIONS.contains(k)) {
                    spec.put(k, v);
                }
            });
            out.add(spec);
        }
        return out;
    }

    static String reason(MongoCommandException e) {
        String message = CachectlException.withoutJavaNames(e.getErrorMessage());
        return message.isEmpty() ? "error " + e.getErrorCode() : message;
    }
}
