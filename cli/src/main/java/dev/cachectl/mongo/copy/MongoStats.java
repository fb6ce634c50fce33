package dev.cachectl.mongo.copy;

import com.mongodb.MongoException;
import com.mongodb.client.MongoDatabase;
import org.bson.Document;

/** What the source says a collection holds (its metadata: no scan), for progress, ETA and --dry-run. */
final class MongoStats {
    record Size(long documents, long bytes) {
    }

    private MongoStats() {
    }

    static Size of(MongoDatabase db, String collection) {
        long documents = db.getCollection(collection).estimatedDocumentCount();
        long bytes;
        try {
            Object size = db.runCommand(new Document("collStats", collection)).get("size");
            bytes = size instanceof Number n ? n.longValue() : 0;
        } catch (MongoException e) {
            bytes = 0; // a server without collStats: the estimate goes without bytes
        }
        return new Size(documents, bytes);
    }
}
