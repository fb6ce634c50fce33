package dev.cachectl.mongo.copy;

import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

/** {@code _id} values as resume tokens (canonical Extended JSON, exact) and as text for people (relaxed). */
final class MongoIds {
    private static final JsonWriterSettings CANONICAL = JsonWriterSettings.builder().outputMode(JsonMode.EXTENDED).build();
    private static final JsonWriterSettings RELAXED = JsonWriterSettings.builder().outputMode(JsonMode.RELAXED).build();

    private MongoIds() {
    }

    static String token(BsonValue id) {
        return new BsonDocument("_id", id).toJson(CANONICAL);
    }

    /** The {@code _id} a token names; null when the text is not a token. */
    static BsonValue fromToken(String token) {
        try {
            BsonDocument doc = BsonDocument.parse(token);
            return doc.size() == 1 ? doc.get("_id") : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    static String text(BsonValue id) {
        if (id == null) {
            return "(no _id)";
        }
        if (id.isString()) {
            return id.asString().getValue();
        }
        String json = new BsonDocument("_id", id).toJson(RELAXED);
        return json.substring(json.indexOf(':') + 1, json.length() - 1).trim();
    }
}
