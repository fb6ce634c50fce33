package dev.cachectl.mongo.copy;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.WriteModel;
import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.migrate.CopyUnit;
import dev.cachectl.migrate.UnitCheckpoint;
import dev.cachectl.migrate.UnitCopier;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonType;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;
import org.bson.conversions.Bson;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * MongoDB's part of a migrate: one unit per collection, read in {@code _id} order as raw BSON (never
 * decoded, so every type, and field order, arrives exactly), written as unordered bulk writes, replace
 * by {@code _id} (upsert) or insert with duplicates counted as skipped. The resume token is the last
 * acknowledged {@code _id} in canonical Extended JSON.
 * <p>
 * Replace into a collection that was empty when its unit was prepared (not a resume) inserts instead:
 * an upsert by {@code _id} costs the target a lookup and an update path per document, an insert does
 * not (scripts/bench/mongo: about a quarter of the embedded target's CPU). The documents such an insert
 * refuses (an {@code _id} a concurrent writer put there meanwhile, or any other refusal) are written
 * again as replace-or-insert, whose answer is the one counted: the result is exactly a replace's.
 */
final class MongoCopier implements UnitCopier {
    /** A batch also ends at this many bytes, so that memory stays bounded with big documents. */
    static final long BATCH_BYTES = 4L << 20;
    private static final int DUPLICATE_KEY = 11000;
    private static final int VALIDATION_FAILED = 121;
    private static final int TOO_LARGE = 10334;
    private static final BulkWriteOptions UNORDERED = new BulkWriteOptions().ordered(false);
    private static final ReplaceOptions UPSERT = new ReplaceOptions().upsert(true);

    private final MongoClient source;
    private final MongoClient target;
    private final MongoMigrationPlan plan;
    private final BsonDocument query;
    private final Map<String, Namespaces.Pair> pairs = new LinkedHashMap<>();
    private final List<CopyUnit> units = new ArrayList<>();
    /** Units whose target collection was empty when prepared and not resumed: replaced by inserting first. */
    private final Set<String> insertFirst = ConcurrentHashMap.newKeySet();
    /** Set when the resumed checkpoint did not count what it had copied (an older cachectl's): said once, in a note. */
    private final AtomicBoolean uncheckedResume = new AtomicBoolean();

    MongoCopier(MongoClient source, MongoClient target, MongoMigrationPlan plan, BsonDocument query) {
        this.source = source;
        this.target = target;
        this.plan = plan;
        this.query = query;
        for (Namespaces.Pair p : Namespaces.select(source, plan)) {
            pairs.put(p.source(), p);
            MongoStats.Size size = MongoStats.of(source.getDatabase(p.sourceDb()), p.sourceCollection());
            units.add(new CopyUnit(p.source(), p.target(), size.documents(), size.bytes()));
        }
    }

    Namespaces.Pair pair(CopyUnit unit) {
        return pairs.get(unit.name());
    }

    @Override
    public List<CopyUnit> units() {
        return units;
    }

    @Override
    public List<String> prepare(CopyUnit unit) {
        try {
            List<String> notes = CollectionSetup.prepare(source, target, pair(unit));
            if (uncheckedResume.getAndSet(false)) {
                notes = new ArrayList<>(notes);
                notes.add("the checkpoint was written by an older cachectl, which did not count the documents copied per "
                        + "collection: whether the target lost some since (a restart) could not be checked; --verify quick would show it");
            }
            if (plan.replace() && isEmpty(pair(unit))) {
                insertFirst.add(unit.name());
            }
            return notes;
        } catch (MongoException e) {
            throw MongoFailures.translate(e, plan.target(), "creating " + unit.targetName());
        }
    }

    private boolean isEmpty(Namespaces.Pair p) {
        return target.getDatabase(p.targetDb()).getCollection(p.targetCollection(), RawBsonDocument.class)
                .find().projection(new BsonDocument("_id", new BsonInt32(1))).limit(1).first() == null;
    }

    @Override
    public void resuming(List<UnitCheckpoint.Unit> saved) {
        uncheckedResume.set(ResumedTarget.check(target, plan.target(), pairs::get, saved));
    }

    @Override
    public boolean validToken(String token) {
        return MongoIds.fromToken(token) != null;
    }

    @Override
    public Reader reader(CopyUnit unit, String resumeToken) {
        Namespaces.Pair p = pair(unit);
        BsonDocument filter = query;
        if (resumeToken != null) {
            insertFirst.remove(unit.name());
            filter = new BsonDocument("$and", new BsonArray(List.of(query, after(MongoIds.fromToken(resumeToken)))));
        }
        MongoCursor<RawBsonDocument> cursor;
        try {
            cursor = source.getDatabase(p.sourceDb()).getCollection(p.sourceCollection(), RawBsonDocument.class)
                    .find(filter).sort(new BsonDocument("_id", new BsonInt32(1))).batchSize(plan.batch().batch()).iterator();
        } catch (MongoException e) {
            throw MongoFailures.translate(e, plan.source(), "reading " + unit.name());
        }
        return new Reader() {
            @Override
            public Batch next() {
                List<RawBsonDocument> docs = new ArrayList<>();
                long bytes = 0;
                try {
                    while (docs.size() < plan.batch().batch() && bytes < BATCH_BYTES && cursor.hasNext()) {
                        RawBsonDocument doc = cursor.next();
                        docs.add(doc);
                        bytes += doc.getByteBuffer().remaining();
                    }
                } catch (MongoException e) {
                    throw MongoFailures.translate(e, plan.source(), "reading " + unit.name());
                }
                return docs.isEmpty() ? null
                        : new Batch(unit, docs, bytes, MongoIds.token(docs.get(docs.size() - 1).get("_id")));
            }

            @Override
            public void close() {
                cursor.close();
            }
        };
    }

    /**
     * Every {@code _id} after {@code id} in the server's sort order. A comparison only matches values of
     * its own type bracket, so the brackets that sort later are added by type.
     */
    static BsonDocument after(BsonValue id) {
        List<BsonType> order = List.of(BsonType.MIN_KEY, BsonType.NULL, BsonType.DOUBLE, BsonType.STRING, BsonType.DOCUMENT,
                BsonType.ARRAY, BsonType.BINARY, BsonType.OBJECT_ID, BsonType.BOOLEAN, BsonType.DATE_TIME, BsonType.TIMESTAMP,
                BsonType.REGULAR_EXPRESSION, BsonType.MAX_KEY);
        BsonType bracket = switch (id.getBsonType()) {
            case INT32, INT64, DECIMAL128 -> BsonType.DOUBLE;
            case SYMBOL -> BsonType.STRING;
            default -> id.getBsonType();
        };
        BsonArray later = new BsonArray();
        for (int i = order.indexOf(bracket) + 1; i > 0 && i < order.size(); i++) {
            for (BsonType t : bracketOf(order.get(i))) {
                later.add(new BsonInt32(t.getValue()));
            }
        }
        BsonDocument greater = new BsonDocument("_id", new BsonDocument("$gt", id));
        if (later.isEmpty()) {
            return greater;
        }
        return new BsonDocument("$or", new BsonArray(List.of(greater, new BsonDocument("_id", new BsonDocument("$type", later)))));
    }

    private static List<BsonType> bracketOf(BsonType t) {
        return switch (t) {
            case DOUBLE -> List.of(BsonType.DOUBLE, BsonType.INT32, BsonType.INT64, BsonType.DECIMAL128);
            // symbols (deprecated) sort with strings; left out, as servers that never store them refuse the type
            default -> List.of(t);
        };
    }

    @Override
    public Writer writer(BooleanSupplier stopping) {
        Map<String, MongoCollection<RawBsonDocument>> collections = new HashMap<>();
        return new Writer() {
            @Override
            public Written write(Batch batch) {
                Namespaces.Pair p = pair(batch.unit());
                MongoCollection<RawBsonDocument> to = collections.computeIfAbsent(p.target(),
                        n -> target.getDatabase(p.targetDb()).getCollection(p.targetCollection(), RawBsonDocument.class));
                @SuppressWarnings("unchecked")
                List<RawBsonDocument> docs = (List<RawBsonDocument>) batch.items();
                boolean replace = plan.replace() && !insertFirst.contains(batch.unit().name());
                List<BulkWriteError> errors = bulk(to, p, docs, replace);
                if (errors.isEmpty() || replace || !plan.replace()) {
                    return refusals(batch, docs, errors);
                }
                // inserted first: what the insert refused is replaced, and that answer counts
                List<RawBsonDocument> again = new ArrayList<>(errors.size());
                for (BulkWriteError error : errors) {
                    again.add(docs.get(error.getIndex()));
                }
                Written retried = refusals(batch, again, bulk(to, p, again, true));
                return new Written(docs.size() - retried.refused().size(), 0, retried.refused());
            }

            @Override
            public void close() {
                collections.clear();
            }
        };
    }

    /** One unordered bulk write of {@code docs}, replace-or-insert by {@code _id} or insert: what the target refused. */
    private List<BulkWriteError> bulk(MongoCollection<RawBsonDocument> to, Namespaces.Pair p, List<RawBsonDocument> docs,
                                      boolean replace) {
        List<WriteModel<RawBsonDocument>> models = new ArrayList<>(docs.size());
        for (RawBsonDocument doc : docs) {
            models.add(replace ? new ReplaceOneModel<>(new BsonDocument("_id", doc.get("_id")), doc, UPSERT)
                    : new InsertOneModel<>(doc));
        }
        try {
            to.bulkWrite(models, UNORDERED);
            return List.of();
        } catch (MongoBulkWriteException e) {
            if (e.getWriteConcernError() != null) {
                throw new CachectlException(ExitCode.FAILED, plan.target() + " did not confirm writes to "
                        + p.target() + ": " + CachectlException.withoutJavaNames(e.getWriteConcernError().getMessage()), e);
            }
            return e.getWriteErrors();
        } catch (MongoException e) {
            throw MongoFailures.translate(e, plan.target(), "writing " + p.target());
        }
    }

    private Written refusals(Batch batch, List<RawBsonDocument> docs, List<BulkWriteError> errors) {
        long skipped = 0;
        List<Refusal> refused = new ArrayList<>();
        for (BulkWriteError error : errors) {
            BsonValue id = docs.get(error.getIndex()).get("_id");
            if (!plan.replace() && error.getCode() == DUPLICATE_KEY && onIdIndex(error.getMessage())) {
                skipped++;
            } else {
                refused.add(new Refusal(batch.unit().targetName(), MongoIds.text(id), reason(error)));
            }
        }
        return new Written(docs.size() - skipped - refused.size(), skipped, refused);
    }

    private static boolean onIdIndex(String message) {
        return message != null && (message.contains("index: _id_") || message.contains("_id_ dup key"));
    }

    private static String reason(BulkWriteError error) {
        return switch (error.getCode()) {
            case DUPLICATE_KEY -> "duplicate key on a unique index of the target";
            case VALIDATION_FAILED -> "rejected by the target collection's validator";
            case TOO_LARGE -> "too large for the target";
            default -> "refused by the target (error " + error.getCode() + ": "
                    + CachectlException.withoutJavaNames(error.getMessage()) + ")";
        };
    }
}
