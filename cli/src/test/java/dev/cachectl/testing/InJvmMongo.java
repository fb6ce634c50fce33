package dev.cachectl.testing;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.cachectl.config.Endpoint;
import org.bson.Document;

import java.util.List;
import java.util.Map;

/** A mongo-java-server in the test's JVM on 127.0.0.1 (memory backend), for tests of what reads a MongoDB server. */
public final class InJvmMongo implements AutoCloseable {
    private final MongoServer server;

    private InJvmMongo(MongoServer server) {
        this.server = server;
    }

    /** Started on a free port, holding {@code documents} by database and collection ("shop.users"). */
    public static InJvmMongo withDocuments(Map<String, List<Document>> documents) {
        InJvmMongo mongo = on(new MemoryBackend());
        try (MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + mongo.port())) {
            documents.forEach((namespace, docs) -> {
                String[] dbAndCollection = namespace.split("\\.", 2);
                client.getDatabase(dbAndCollection[0]).getCollection(dbAndCollection[1]).insertMany(docs);
            });
        }
        return mongo;
    }

    /** Started on a free port with {@code backend}, empty. */
    public static InJvmMongo on(MongoBackend backend) {
        MongoServer server = new MongoServer(backend);
        server.bind("127.0.0.1", 0);
        return new InJvmMongo(server);
    }

    public int port() {
        return server.getLocalAddress().getPort();
    }

    public Endpoint endpoint() {
        return new Endpoint("mongodb", "127.0.0.1", port(), null, null, 0);
    }

    @Override
    public void close() {
        server.shutdownNow();
    }
}
