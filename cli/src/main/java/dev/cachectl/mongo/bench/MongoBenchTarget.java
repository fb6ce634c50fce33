package dev.cachectl.mongo.bench;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.bench.BenchService;
import dev.cachectl.bench.BenchTarget;
import dev.cachectl.bench.BlockingLoadLoop;
import dev.cachectl.bench.LoadRun;
import dev.cachectl.bench.LoadShape;
import dev.cachectl.bench.ServerView;
import dev.cachectl.bench.Workload;
import dev.cachectl.config.Endpoint;
import dev.cachectl.mongo.MongoProbe;
import dev.cachectl.mongo.MongoUrls;
import dev.cachectl.mongo.copy.MongoFailures;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonRegularExpression;
import org.bson.BsonString;
import org.bson.Document;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A MongoDB collection driven by bench: the URL's {@code db.collection}, a database alone meaning its collection
 * {@value #DEFAULT_COLLECTION}, none meaning {@value #DEFAULT_DATABASE}.{@value #DEFAULT_COLLECTION}, which is
 * bench's own and dropped once a run that wrote to it ends. One driver client whose pool holds a connection per
 * bench client; the counters from {@code serverStatus} (its opcounters, resident memory; a server without them,
 * as the embedded one, gives 0).
 */
final class MongoBenchTarget implements BenchTarget {
    static final String DEFAULT_DATABASE = "cachectl_bench";
    static final String DEFAULT_COLLECTION = "kv";
    private static final int TIMEOUT_SECONDS = 3;
    /** How long an operation waits for its reply before the server counts as lost. */
    private static final int REPLY_SECONDS = 30;
    /** Documents per delete of the clean-up, and per bulk write of the preload. */
    private static final int BATCH = 1000;

    private final String label;
    private final Endpoint endpoint;
    private final MongoClient client;
    private final MongoCollection<BsonDocument> collection;
    private final boolean own;
    private volatile boolean wrote;

    MongoBenchTarget(String label, Endpoint endpoint, int clients) {
        this.label = label;
        this.endpoint = endpoint;
        MongoProbe.refuseFast(endpoint, Duration.ofSeconds(TIMEOUT_SECONDS));
        try {
            client = MongoClients.create(MongoClientSettings.builder()
                    .applyConnectionString(new ConnectionString(MongoUrls.connectionString(endpoint)))
                    .applyToClusterSettings(b -> b.serverSelectionTimeout(TIMEOUT_SECONDS, TimeUnit.SECONDS))
                    // a reply that never comes ends the run as the Redis loop's drain does, not the process's patience
                    .applyToSocketSettings(b -> b.connectTimeout(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                            .readTimeout(REPLY_SECONDS, TimeUnit.SECONDS))
                    .applyToConnectionPoolSettings(b -> b.maxSize(clients).maxConnecting(Math.min(clients, 8)))
                    .applicationName("cachectl-bench")
                    .build());
        } catch (IllegalArgumentException e) {
            throw CachectlException.usage("not a valid MongoDB URL: " + endpoint + " ("
                    + CachectlException.withoutJavaNames(e.getMessage()) + ")");
        }
        own = MongoUrls.database(endpoint).isEmpty();
        MongoDatabase db = client.getDatabase(MongoUrls.database(endpoint).orElse(DEFAULT_DATABASE));
        collection = db.getCollection(MongoUrls.collection(endpoint).orElse(DEFAULT_COLLECTION), BsonDocument.class);
        try {
            db.runCommand(new BsonDocument("ping", new BsonInt32(1)));
        } catch (MongoException e) {
            client.close();
            CachectlException failure = MongoFailures.translate(e, endpoint, "connecting");
            if (failure.exitCode() == ExitCode.DOWN) {
                throw new CachectlException(ExitCode.DOWN, "cannot reach " + endpoint + " within " + TIMEOUT_SECONDS + "s", e);
            }
            throw failure;
        }
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public List<String> nodes() {
        return List.of(endpoint.host() + ":" + endpoint.port());
    }

    @Override
    public ServerView view() {
        try {
            Document status = client.getDatabase("admin").runCommand(new Document("serverStatus", 1));
            Document ops = status.get("opcounters", Document.class);
            long query = count(ops, "query");
            long update = count(ops, "update");
            long all = query + update + count(ops, "insert") + count(ops, "delete") + count(ops, "getmore") + count(ops, "command");
            Document mem = status.get("mem", Document.class);
            return new ServerView(all, update, query, count(mem, "resident") << 20, 0, 0, 0);
        } catch (MongoException e) {
            throw MongoFailures.translate(e, endpoint, "reading its counters");
        }
    }

    private static long count(Document doc, String field) {
        return doc != null && doc.get(field) instanceof Number n ? n.longValue() : 0;
    }

    @Override
    public String refusal() {
        try {
            Document hello = client.getDatabase("admin").runCommand(new Document("isMaster", 1));
            boolean writable = Boolean.TRUE.equals(hello.get("ismaster")) || Boolean.TRUE.equals(hello.get("isWritablePrimary"));
            return hello.get("setName") != null && !writable
                    ? label + " is a secondary of replica set " + hello.get("setName") + ": bench writes, so give its primary" : null;
        } catch (MongoException e) {
            throw MongoFailures.translate(e, endpoint, "asking its role");
        }
    }

    @Override
    public long keysUnder(String prefix) {
        try {
            return collection.countDocuments(new BsonDocument("_id", new BsonRegularExpression("^" + quote(prefix))));
        } catch (MongoException e) {
            throw MongoFailures.translate(e, endpoint, "counting the documents under --key-prefix");
        }
    }

    /** {@code text} matched literally by a regular expression (MongoDB's PCRE and Java's alike). */
    private static String quote(String text) {
        StringBuilder sb = new StringBuilder();
        for (char c : text.toCharArray()) {
            if ("\\^$.|?*+()[]{}".indexOf(c) >= 0) {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }

    @Override
    public Cleanup delete(Workload workload) {
        long removed = 0;
        BsonArray ids = new BsonArray();
        try {
            for (long i = 0; i < workload.keys(); i++) {
                ids.add(new BsonString(workload.key(i)));
                if (ids.size() == BATCH || i == workload.keys() - 1) {
                    removed += collection.deleteMany(new BsonDocument("_id", new BsonDocument("$in", ids))).getDeletedCount();
                    ids = new BsonArray();
                }
            }
        } catch (MongoException e) {
            if (MongoFailures.translate(e, endpoint, "cleaning up").exitCode() != ExitCode.DOWN) {
                throw MongoFailures.translate(e, endpoint, "cleaning up");
            }
            return new Cleanup(removed, nodes());
        }
        return new Cleanup(removed, List.of());
    }

    @Override
    public void drive(Workload workload, LoadShape shape, LoadRun run) {
        wrote = true;
        List<MongoBenchClient> clients = new ArrayList<>();
        for (int c = 0; c < workers(shape); c++) {
            clients.add(new MongoBenchClient(collection, endpoint));
        }
        BlockingLoadLoop.drive(clients, workload, shape, run);
    }

    /** Every client its own thread. */
    @Override
    public int workers(LoadShape shape) {
        return shape.clients();
    }

    /** A few clients, each writing {@value #BATCH} documents per bulk write. */
    @Override
    public LoadShape preloadShape(LoadShape shape, int keys) {
        return new LoadShape(Math.min(shape.clients(), 4), 1, BATCH, keys, null, Duration.ZERO, 0);
    }

    /** Client threads share the machine's cores: the client is the bottleneck once it keeps most of them busy. */
    @Override
    public String clientBound(double cpuPercent, LoadShape shape) {
        int cores = Runtime.getRuntime().availableProcessors();
        if (cpuPercent < BenchService.CLIENT_BOUND_CPU * Math.min(shape.clients(), cores)) {
            return null;
        }
        return "the client used " + cpuPercent + "% CPU with " + shape.clients() + " client thread"
                + (shape.clients() == 1 ? "" : "s") + " on " + cores + " core" + (cores == 1 ? "" : "s")
                + ": it, not the server, may be the bottleneck (try another machine for the client)";
    }

    @Override
    public void close() {
        try {
            if (own && wrote) {
                collection.drop();
            }
        } catch (MongoException ignored) {
            // the server may be what failed; bench's own collection is dropped by the next run that ends well
        } finally {
            client.close();
        }
    }
}
