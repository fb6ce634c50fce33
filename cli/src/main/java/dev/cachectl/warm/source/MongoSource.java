package dev.cachectl.warm.source;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCursor;
import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import org.bson.Document;
import org.bson.json.JsonParseException;

import java.util.concurrent.TimeUnit;

/** A MongoDB collection through the sync driver's cursor, which fetches {@code batch} documents at a time. */
public final class MongoSource implements RecordSource {
    private static final int SELECTION_TIMEOUT_SECONDS = 10;

    private final MongoUrl url;
    private final MongoClient client;
    private MongoCursor<Document> cursor;
    private long count;

    public MongoSource(MongoUrl url, String query, String projection, int batch) {
        this.url = url;
        Document filter = parse("--query", query);
        Document fields = parse("--projection", projection);
        MongoClientSettings settings = MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(url.connectionString()))
                .applyToClusterSettings(b -> b.serverSelectionTimeout(SELECTION_TIMEOUT_SECONDS, TimeUnit.SECONDS))
                .build();
        this.client = MongoClients.create(settings);
        try {
            var find = client.getDatabase(url.database()).getCollection(url.collection()).find(filter).batchSize(batch);
            if (fields != null) {
                find = find.projection(fields);
            }
            cursor = find.iterator();
        } catch (MongoException e) {
            client.close();
            throw translate(e);
        }
    }

    /** Checks {@code --query}/{@code --projection} JSON without connecting, for validation before a run. */
    public static Document parse(String option, String json) {
        if (json == null || json.isBlank()) {
            return option.equals("--query") ? new Document() : null;
        }
        try {
            return Document.parse(json);
        } catch (JsonParseException | IllegalArgumentException e) {
            throw CachectlException.usage(option + " is not a JSON object: " + e.getMessage());
        }
    }

    @Override
    public SourceRecord next() {
        try {
            if (!cursor.hasNext()) {
                return null;
            }
            return new MongoRecord(++count, cursor.next());
        } catch (MongoException e) {
            if (count == 0) {
                throw translate(e);
            }
            throw new SourceException("reading " + url + " failed after " + count + " documents: " + e.getMessage(), e);
        }
    }

    private CachectlException translate(MongoException e) {
        if (e instanceof MongoTimeoutException) {
            return new CachectlException(ExitCode.DOWN, "cannot reach " + url + " within " + SELECTION_TIMEOUT_SECONDS + "s", e);
        }
        if (e instanceof MongoSecurityException) {
            return new CachectlException(ExitCode.USAGE, url + ": authentication failed: check the user and password in the URL", e);
        }
        return new CachectlException(ExitCode.FAILED, url + ": " + firstLine(e.getMessage()), e);
    }

    private static String firstLine(String s) {
        return s == null ? "failed" : s.lines().findFirst().orElse(s);
    }

    @Override
    public void close() {
        try {
            if (cursor != null) {
                cursor.close();
            }
        } finally {
            client.close();
        }
    }

    @Override
    public String toString() {
        return url.toString();
    }
}
