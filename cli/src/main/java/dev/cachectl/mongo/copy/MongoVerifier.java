package dev.cachectl.mongo.copy;

import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import dev.cachectl.CachectlException;
import dev.cachectl.migrate.CopySummary;
import dev.cachectl.migrate.CopyUnit;
import dev.cachectl.util.FileWrites;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonValue;
import org.bson.Document;
import org.bson.RawBsonDocument;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code --verify quick}: per collection the counts, the index sets, and a random sample of 1000
 * documents compared byte for byte (so every field, its BSON type and the field order); {@code full}:
 * every document by {@code _id}. Each mismatch names the collection and the {@code _id}; the first
 * {@value #SHOWN} are shown, all of them go to a file when there are more.
 */
final class MongoVerifier {
    static final int SAMPLE = 1000;
    private static final int SHOWN = 10;

    private final MongoClient source;
    private final MongoClient target;
    private final MongoCopier copier;
    private final BsonDocument query;
    private final MongoMigrationPlan plan;
    private final List<String> mismatches = new ArrayList<>();
    private long checked;

    MongoVerifier(MongoClient source, MongoClient target, MongoCopier copier, BsonDocument query, MongoMigrationPlan plan) {
        this.source = source;
        this.target = target;
        this.copier = copier;
        this.query = query;
        this.plan = plan;
    }

    CopySummary.Verification verify(List<CopyUnit> units, Path listFile) {
        try {
            for (CopyUnit unit : units) {
                verify(copier.pair(unit));
            }
        } catch (MongoException e) {
            throw MongoFailures.translate(e, plan.target(), "verifying");
        }
        String file = null;
        String listError = null;
        if (mismatches.size() > SHOWN) {
            try {
                FileWrites.createMissing(listFile.toAbsolutePath().getParent(), "mismatch list " + listFile);
                FileWrites.atomically(listFile, String.join("\n", mismatches) + "\n", "mismatch list ");
                file = listFile.toString();
            } catch (CachectlException e) {
                // the copy is done and its summary still says what was found: only the full list is missing
                listError = e.getMessage();
            }
        }
        return new CopySummary.Verification(plan.verify(), checked, mismatches.size(),
                List.copyOf(mismatches.subList(0, Math.min(SHOWN, mismatches.size()))), file, listError);
    }

    private void verify(Namespaces.Pair p) {
        MongoCollection<RawBsonDocument> from = source.getDatabase(p.sourceDb()).getCollection(p.sourceCollection(), RawBsonDocument.class);
        MongoCollection<RawBsonDocument> to = target.getDatabase(p.targetDb()).getCollection(p.targetCollection(), RawBsonDocument.class);
        long onSource = from.countDocuments(query);
        long onTarget = to.countDocuments();
        if (onSource != onTarget) {
            mismatches.add(p.target() + ": " + onSource + " documents on the source, " + onTarget + " on the target");
        }
        compareIndexes(p);
        // a collection no bigger than the sample is read whole: the same documents as $sample, in one ordered pass,
        // and the embedded server's $sample sorts by a random key, which Java's sort may refuse (1 run in 5 or so)
        Iterator<RawBsonDocument> docs = plan.verify().equals("full") || onSource <= SAMPLE
                ? from.find(query).sort(new BsonDocument("_id", new BsonInt32(1))).batchSize(SAMPLE).iterator()
                : from.aggregate(List.of(new BsonDocument("$match", query),
                        new BsonDocument("$sample", new BsonDocument("size", new BsonInt32(SAMPLE))))).batchSize(SAMPLE).iterator();
        try {
            List<RawBsonDocument> chunk = new ArrayList<>();
            while (docs.hasNext()) {
                chunk.add(docs.next());
                if (chunk.size() == SAMPLE || !docs.hasNext()) {
                    compare(p, chunk, to);
                    chunk.clear();
                }
            }
        } finally {
            ((MongoCursor<?>) docs).close();
        }
    }

    private void compare(Namespaces.Pair p, List<RawBsonDocument> chunk, MongoCollection<RawBsonDocument> to) {
        BsonArray ids = new BsonArray();
        chunk.forEach(d -> ids.add(d.get("_id")));
        Map<BsonValue, RawBsonDocument> there = new HashMap<>();
        for (RawBsonDocument d : to.find(new BsonDocument("_id", new BsonDocument("$in", ids)))) {
            there.put(d.get("_id"), d);
        }
        for (RawBsonDocument doc : chunk) {
            checked++;
            BsonValue id = doc.get("_id");
            RawBsonDocument copy = there.get(id);
            if (copy == null) {
                mismatches.add(p.target() + " _id " + MongoIds.text(id) + ": missing on the target");
            } else if (!bytes(doc).equals(bytes(copy))) {
                mismatches.add(p.target() + " _id " + MongoIds.text(id) + ": " + difference(doc, copy));
            }
        }
    }

    private static ByteBuffer bytes(RawBsonDocument doc) {
        return doc.getByteBuffer().asNIO();
    }

    /** The first field that differs, in the source's field order: its name, and types or values. */
    static String difference(BsonDocument a, BsonDocument b) {
        Iterator<Map.Entry<String, BsonValue>> left = a.entrySet().iterator();
        Iterator<Map.Entry<String, BsonValue>> right = b.entrySet().iterator();
        while (left.hasNext()) {
            Map.Entry<String, BsonValue> l = left.next();
            if (!right.hasNext()) {
                return "field " + l.getKey() + " missing on the target";
            }
            Map.Entry<String, BsonValue> r = right.next();
            if (!l.getKey().equals(r.getKey())) {
                return "fields in another order or missing (source has " + l.getKey() + " where the target has " + r.getKey() + ")";
            }
            if (l.getValue().getBsonType() != r.getValue().getBsonType()) {
                return "field " + l.getKey() + " is " + l.getValue().getBsonType() + " on the source, "
                        + r.getValue().getBsonType() + " on the target";
            }
            if (!Objects.equals(l.getValue(), r.getValue())) {
                return "field " + l.getKey() + " has another value on the target";
            }
        }
        return right.hasNext() ? "the target has an extra field " + right.next().getKey() : "the documents differ";
    }

    private void compareIndexes(Namespaces.Pair p) {
        Map<String, Document> want = byName(CollectionSetup.indexes(source.getDatabase(p.sourceDb()), p.sourceCollection()));
        Map<String, Document> have = byName(CollectionSetup.indexes(target.getDatabase(p.targetDb()), p.targetCollection()));
        for (Map.Entry<String, Document> e : want.entrySet()) {
            Document other = have.get(e.getKey());
            if (other == null) {
                mismatches.add(p.target() + ": index " + e.getKey() + " missing on the target");
            } else if (!e.getValue().get("key", Document.class).toJson().equals(other.get("key", Document.class).toJson())
                    || !e.getValue().equals(other)) {
                mismatches.add(p.target() + ": index " + e.getKey() + " has other keys or options on the target");
            }
        }
    }

    private static Map<String, Document> byName(List<Document> indexes) {
        Map<String, Document> out = new HashMap<>();
        indexes.forEach(i -> out.put(i.getString("name"), i));
        return out;
    }
}
