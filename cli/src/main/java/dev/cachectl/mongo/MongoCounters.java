package dev.cachectl.mongo;

import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import dev.cachectl.engine.ServerHello;
import dev.cachectl.engine.ServerSample;
import org.bson.Document;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Who a mongo server is and what it has done, from {@code hello} and {@code serverStatus}: enough for readiness,
 * identity, idle detection and a minimal status row. Client activity is mongod's per-command counters
 * ({@code metrics.commands.NAME.total}, which the embedded server reports too) without the commands that do
 * not make a server busy: cachectl's own probes and drivers' handshakes, heartbeats and session ends.
 */
final class MongoCounters {
    static final Set<String> NOT_ACTIVITY = Set.of("hello", "isMaster", "ismaster", "ping", "buildInfo", "buildinfo",
            "serverStatus", "listDatabases", "dbStats", "endSessions", "saslStart", "saslContinue", "getLastError",
            "getlasterror", "shutdown", "<UNKNOWN>");
    private static final Set<String> SYSTEM_DATABASES = Set.of("admin", "local", "config");

    private MongoCounters() {
    }

    static ServerHello hello(MongoClient client) {
        MongoDatabase admin = client.getDatabase("admin");
        try {
            admin.runCommand(new Document("hello", 1));
        } catch (MongoCommandException e) {
            if (e.getErrorCode() != 59) {
                throw e;
            }
            admin.runCommand(new Document("isMaster", 1)); // mongod before 4.4.2
        }
        Document status = admin.runCommand(new Document("serverStatus", 1));
        long pid = number(status.get("pid"));
        return new ServerHello(pid, "pid " + pid, version(status));
    }

    static ServerSample sample(MongoClient client, long nowMillis) {
        MongoDatabase admin = client.getDatabase("admin");
        Document status = admin.runCommand(new Document("serverStatus", 1));
        Map<String, ServerSample.DbKeys> keyspace = new LinkedHashMap<>();
        for (Document db : admin.runCommand(new Document("listDatabases", 1)).getList("databases", Document.class)) {
            String name = db.getString("name");
            if (!SYSTEM_DATABASES.contains(name)) {
                long objects = number(client.getDatabase(name).runCommand(new Document("dbStats", 1)).get("objects"));
                keyspace.put(name, new ServerSample.DbKeys(objects, 0));
            }
        }
        Document mem = status.get("mem", Document.class);
        Document cache = status.get("wiredTiger", Document.class) == null ? null
                : status.get("wiredTiger", Document.class).get("cache", Document.class);
        Document connections = status.get("connections", Document.class);
        long pid = number(status.get("pid"));
        return new ServerSample(nowMillis, version(status), pid, "pid " + pid, number(status.get("uptime")), role(status),
                mem == null ? 0 : number(mem.get("resident")) * 1024 * 1024,
                cache == null ? 0 : number(cache.get("maximum bytes configured")), null, null, keyspace, 0, 0, 0, 0,
                commands(status, Set.of()), connections == null ? 0 : number(connections.get("current")),
                commands(status, NOT_ACTIVITY));
    }

    /** The sum of the per-command counters, but for the commands {@code excluded}. */
    static long commands(Document serverStatus, Set<String> excluded) {
        Document metrics = serverStatus.get("metrics", Document.class);
        Document commands = metrics == null ? null : metrics.get("commands", Document.class);
        if (commands == null) {
            return 0;
        }
        long sum = 0;
        for (Map.Entry<String, Object> e : commands.entrySet()) {
            if (!excluded.contains(e.getKey()) && e.getValue() instanceof Document counters) {
                sum += number(counters.get("total"));
            }
        }
        return sum;
    }

    private static String version(Document status) {
        return "mongo-java-server".equals(status.getString("process"))
                ? "mongo-java-server " + MongoBinaries.EMBEDDED_VERSION : String.valueOf(status.get("version"));
    }

    private static String role(Document status) {
        Document repl = status.get("repl", Document.class);
        if (repl == null) {
            return "standalone";
        }
        return Boolean.TRUE.equals(repl.get("isWritablePrimary")) || Boolean.TRUE.equals(repl.get("ismaster")) ? "primary" : "secondary";
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : 0;
    }
}
