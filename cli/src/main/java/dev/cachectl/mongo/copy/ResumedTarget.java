package dev.cachectl.mongo.copy;

import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import dev.cachectl.CachectlException;
import dev.cachectl.config.Endpoint;
import dev.cachectl.migrate.UnitCheckpoint;
import org.bson.Document;
import org.bson.RawBsonDocument;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * On {@code --resume}: a resume goes on only where the target still holds, in each collection, at least the
 * documents the checkpoint counts as written there. A target that restarted without its data (an embedded server
 * not persisted), or whose collections were dropped meanwhile, would otherwise be reported complete with them
 * missing. A count, not the server's identity, so that a resume into a mongod that restarted with its data goes on.
 */
final class ResumedTarget {
    private ResumedTarget() {
    }

    /**
     * Refuses (exit 2) a resume into {@code target} that lost documents; {@code pairs}: where each unit goes.
     * True when the checkpoint, an older cachectl's, did not count them, so nothing could be checked.
     */
    static boolean check(MongoClient target, Endpoint address, Function<String, Namespaces.Pair> pairs,
                         List<UnitCheckpoint.Unit> saved) {
        boolean unchecked = false;
        List<String> lost = new ArrayList<>();
        for (UnitCheckpoint.Unit u : saved) {
            Namespaces.Pair p = pairs.apply(u.unit());
            unchecked |= u.written() < 0;
            if (p == null || u.written() <= 0) {
                continue;
            }
            try {
                long held = held(target, p, u.written());
                if (held < u.written() && !shrinksByItself(target, p)) {
                    lost.add(p.target() + ": " + held + " of " + u.written() + " documents");
                }
            } catch (MongoException e) {
                throw MongoFailures.translate(e, address, "counting " + p.target());
            }
        }
        if (!lost.isEmpty()) {
            int more = lost.size() - 1;
            throw CachectlException.usage("--resume refused: target " + address + " no longer holds what the checkpoint "
                    + "counts as copied (" + lost.get(0) + (more > 0 ? ", and " + more + " more collection" + (more > 1 ? "s" : "") : "")
                    + "), so it may have restarted empty; run without --resume to copy everything again");
        }
        return unchecked;
    }

    /** Documents in the pair's target collection: its metadata's count, and an exact one only when that is below {@code needed}. */
    private static long held(MongoClient target, Namespaces.Pair p, long needed) {
        MongoCollection<RawBsonDocument> to = target.getDatabase(p.targetDb()).getCollection(p.targetCollection(), RawBsonDocument.class);
        long estimated = to.estimatedDocumentCount();
        return estimated >= needed ? estimated : to.countDocuments();
    }

    /**
     * A target collection that removes documents by itself, capped or with a TTL index, may hold fewer than were copied
     * without having lost them; it is only checked to be there (a server that restarted empty has lost it, indexes and all).
     */
    private static boolean shrinksByItself(MongoClient target, Namespaces.Pair p) {
        MongoDatabase db = target.getDatabase(p.targetDb());
        Document info = db.listCollections().filter(new Document("name", p.targetCollection())).first();
        if (info == null) {
            return false;
        }
        Document options = info.get("options", Document.class);
        if (options != null && Boolean.TRUE.equals(options.getBoolean("capped"))) {
            return true;
        }
        for (Document index : db.getCollection(p.targetCollection()).listIndexes()) {
            if (index.containsKey("expireAfterSeconds")) {
                return true;
            }
        }
        return false;
    }
}
