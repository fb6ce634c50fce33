package dev.cachectl.warm.source;

import org.bson.Document;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * A MongoDB document. Values read the way a cache wants them: an ObjectId as its hex string, a date as
 * an ISO-8601 instant (so {@code --ttl-field} takes it as an absolute expiry), nested documents and
 * arrays as JSON.
 */
final class MongoRecord implements SourceRecord {
    private static final JsonWriterSettings PLAIN_JSON = JsonWriterSettings.builder()
            .outputMode(JsonMode.RELAXED)
            .objectIdConverter((id, w) -> w.writeString(id.toHexString()))
            .dateTimeConverter((millis, w) -> w.writeString(Instant.ofEpochMilli(millis).toString()))
            .decimal128Converter((d, w) -> w.writeNumber(d.toString()))
            .build();

    private final long position;
    private final Document doc;

    MongoRecord(long position, Document doc) {
        this.position = position;
        this.doc = doc;
    }

    @Override
    public long line() {
        return position;
    }

    @Override
    public String field(String name) {
        return text(doc.get(name));
    }

    @Override
    public void forEachField(FieldVisitor visitor) {
        for (Map.Entry<String, Object> e : doc.entrySet()) {
            String value = text(e.getValue());
            if (value != null) {
                visitor.field(e.getKey(), value);
            }
        }
    }

    @Override
    public byte[] json() {
        return doc.toJson(PLAIN_JSON).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public int size() {
        return 64 * Math.max(1, doc.size());
    }

    private static String text(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof ObjectId id) {
            return id.toHexString();
        }
        if (v instanceof Date d) {
            return d.toInstant().toString();
        }
        if (v instanceof Decimal128 d) {
            return d.toString();
        }
        if (v instanceof Document nested) {
            return nested.toJson(PLAIN_JSON);
        }
        if (v instanceof List<?> list) {
            String json = new Document("v", list).toJson(PLAIN_JSON);
            return json.substring(json.indexOf(':') + 1, json.length() - 1).trim();
        }
        return v.toString();
    }
}
