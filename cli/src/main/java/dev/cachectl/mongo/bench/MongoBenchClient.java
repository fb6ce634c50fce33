package dev.cachectl.mongo.bench;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoException;
import com.mongodb.MongoServerException;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.WriteModel;
import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.bench.BlockingClient;
import dev.cachectl.config.Endpoint;
import dev.cachectl.mongo.copy.MongoFailures;
import org.bson.BsonBinary;
import org.bson.BsonDocument;
import org.bson.BsonString;

import java.util.ArrayList;
import java.util.List;

/**
 * One bench client of a MongoDB collection of {@code {_id: key, v: <binary value>}} documents: GET is a find by
 * {@code _id}, SET a replaceOne with upsert, the preload's SETs one ordered bulk write of such replacements.
 */
final class MongoBenchClient implements BlockingClient {
    private static final ReplaceOptions UPSERT = new ReplaceOptions().upsert(true);

    private final MongoCollection<BsonDocument> collection;
    private final Endpoint endpoint;

    MongoBenchClient(MongoCollection<BsonDocument> collection, Endpoint endpoint) {
        this.collection = collection;
        this.endpoint = endpoint;
    }

    @Override
    public boolean get(String key) {
        try {
            return collection.find(id(key)).first() != null;
        } catch (MongoException e) {
            throw failure(e, "reading");
        }
    }

    @Override
    public void set(String key, byte[] value) {
        try {
            collection.replaceOne(id(key), document(key, value), UPSERT);
        } catch (MongoException e) {
            throw failure(e, "writing");
        }
    }

    @Override
    public void setAll(String[] keys, byte[][] values, int n) {
        List<WriteModel<BsonDocument>> writes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            writes.add(new ReplaceOneModel<>(id(keys[i]), document(keys[i], values[i]), UPSERT));
        }
        try {
            collection.bulkWrite(writes);
        } catch (MongoException e) {
            throw failure(e, "writing");
        }
    }

    private static BsonDocument id(String key) {
        return new BsonDocument("_id", new BsonString(key));
    }

    static BsonDocument document(String key, byte[] value) {
        return new BsonDocument("_id", new BsonString(key)).append("v", new BsonBinary(value));
    }

    /** A server's error answer is counted and the run goes on; a server lost, or credentials refused, stops it. */
    private RuntimeException failure(MongoException e, String doing) {
        String answer = answer(e);
        if (answer != null) {
            return new Refused(answer, e);
        }
        CachectlException failure = MongoFailures.translate(e, endpoint, doing);
        return failure.exitCode() == ExitCode.DOWN ? new Lost("lost the connection to the server (it does not answer)", e)
                : new Lost(failure.getMessage(), e);
    }

    /** What the server answered an operation with, or null when it did not answer one. */
    private static String answer(MongoException e) {
        if (e instanceof MongoWriteException w) {
            return w.getError().getMessage();
        }
        if (e instanceof MongoBulkWriteException b && !b.getWriteErrors().isEmpty()) {
            return b.getWriteErrors().get(0).getMessage();
        }
        if (e instanceof MongoServerException s && s.getCode() != 18 && s.getCode() != 13) {
            return CachectlException.withoutJavaNames(s.getMessage());
        }
        return null;
    }
}
