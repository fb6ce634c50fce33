package dev.cachectl.mongo;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.cachectl.testing.InJvmMongo;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The embedded server counts the commands it serves, so that idle time can be measured: clients' operations
 * count, cachectl's probes (and the driver's handshake) do not.
 */
class CountingBackendTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @Test
    void client_operations_count_and_probes_do_not() {
        try (InJvmMongo server = InJvmMongo.on(CountingBackend.wrap(new MemoryBackend(), () -> { }))) {
            long before = MongoProbe.sample(server.endpoint(), TIMEOUT).clientCommands();
            assertEquals(before, MongoProbe.sample(server.endpoint(), TIMEOUT).clientCommands(), "a probe is not a client");
            try (MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + server.port())) {
                MongoCollection<Document> users = client.getDatabase("shop").getCollection("users");
                users.insertOne(new Document("n", 1));
                assertEquals(1, users.countDocuments());
            }
            assertEquals(before + 2, MongoProbe.sample(server.endpoint(), TIMEOUT).clientCommands(),
                    "an insert and a count (an aggregate)");
        }
    }
}
