package dev.cachectl.mongo;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import dev.cachectl.engine.ServerHello;
import org.bson.Document;


/**
 * Who a mongo server is, from {@code hello} and {@code serverStatus}: what readiness and identity checks need.
 * Its status sample, client activity included, is {@link MongoProbe}'s.
 */
final class MongoCounters {

    private MongoCounters() {
    }

    static ServerHello hello(MongoClient client) {
        MongoDatabase admin = client.getDatabase("admin");
        MongoProbe.hello(admin);
        Document status = admin.runCommand(new Document("serverStatus", 1));
        long pid = number(status.get("pid"));
        return new ServerHello(pid, "pid " + pid, version(status));
    }

    private static String version(Document status) {
        return MongoProbe.embedded(status) ? "mongo-java-server " + MongoProbe.version(status) : MongoProbe.version(status);
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : 0;
    }
}
