package dev.cachectl.mongo;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.config.Endpoint;
import dev.cachectl.engine.ServerSample;
import org.bson.Document;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One status sample of a MongoDB server: {@code hello} (or, on a server that lacks it, {@code isMaster}) for its
 * role, {@code serverStatus} for the core, {@code listDatabases} and {@code dbStats} per database for the details.
 * A field the server leaves out is null (mongo-java-server, the embedded engine, answers version, pid, uptime and
 * connections, and per database collections, documents and data size; nothing of memory, counters or cache).
 * <p>
 * Client operations ({@link ServerSample#clientCommands()}, what idle time is measured by) are the calls of every
 * command in {@code serverStatus.metrics.commands} but those a probe sends ({@link #PROBE_COMMANDS}), as Redis's are
 * counted from its per-command stats; a server without per-command counters gives insert + query + update +
 * delete + getmore of {@code opcounters} (a probe sends none of those); one without either gives 0.
 */
public final class MongoProbe {
    /** Commands cachectl's probes and the driver's handshake send: not client traffic. */
    static final Set<String> PROBE_COMMANDS = Set.of("hello", "ismaster", "serverstatus", "listdatabases", "dbstats",
            "buildinfo", "ping", "endsessions", "saslstart", "saslcontinue", "getnonce", "authenticate", "getlasterror",
            "shutdown", "<unknown>");
    /** Databases that hold the server's own data, left out of the documents an instance holds. */
    static final Set<String> SYSTEM_DATABASES = Set.of("admin", "local", "config");

    private MongoProbe() {
    }

    /** Samples the server at {@code endpoint}; exit 3 when it does not answer within {@code timeout}, 2 when it refuses us. */
    public static ServerSample sample(Endpoint endpoint, Duration timeout) {
        refuseFast(endpoint, timeout);
        try (MongoClient client = MongoConnections.open(endpoint, timeout)) {
            MongoDatabase admin = client.getDatabase("admin");
            Document hello = hello(admin);
            Document status = admin.runCommand(new Document("serverStatus", 1));
            long taken = System.currentTimeMillis();
            return sample(taken, hello, status, databases(client));
        } catch (MongoSecurityException e) {
            throw new CachectlException(ExitCode.USAGE, endpoint + ": authentication failed: check the user and password", e);
        } catch (MongoTimeoutException e) {
            throw new CachectlException(ExitCode.DOWN, "cannot reach " + endpoint + " within " + seconds(timeout), e);
        } catch (MongoException e) {
            throw new CachectlException(ExitCode.DOWN, endpoint + " did not answer its status: " + firstLine(e.getMessage()), e);
        }
    }

    /** The sample that these answers of {@code hello}, {@code serverStatus} and {@code dbStats} make. */
    static ServerSample sample(long taken, Document hello, Document status, List<MongoDetails.Database> databases) {
        MongoDetails.Opcounters ops = opcounters(status.get("opcounters", Document.class));
        MongoDetails.Cache cache = cache(status);
        Long resident = mebibytes(number(status, "mem", "resident"));
        MongoDetails details = new MongoDetails(new MongoDetails.Mongo(role(hello), resident, ops, cache, databases));
        long pid = orZero(number(status, "pid"));
        Long hits = null;
        Long misses = null;
        if (cache != null && cache.pagesRead() != null && cache.pagesRequested() != null) {
            misses = cache.pagesRead();
            hits = Math.max(0, cache.pagesRequested() - cache.pagesRead());
        }
        // no run id: a restart gives the process another pid
        return new ServerSample(taken, version(status), pid, status.getString("host") + ":" + pid,
                orZero(number(status, "uptime")), resident, null, orZero(number(status, "connections", "current")),
                null, ops == null ? null : ops.total(), clientOperations(status, ops), hits, misses, details);
    }

    /**
     * The version of the server that runs, as its state file records it (what status shows while it is down):
     * mongod's own, or for the embedded server mongo-java-server's, not the MongoDB version that it claims to be.
     */
    static String version(Document status) {
        return embedded(status) ? MongoBinaries.EMBEDDED_VERSION : String.valueOf(status.get("version"));
    }

    static boolean embedded(Document status) {
        return "mongo-java-server".equals(status.getString("process"));
    }

    /**
     * The driver retries a refused connection until its selection timeout; a plain connect first says at once
     * that nothing listens there.
     */
    public static void refuseFast(Endpoint endpoint, Duration timeout) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), (int) Math.max(1, timeout.toMillis()));
        } catch (ConnectException e) {
            throw new CachectlException(ExitCode.DOWN, "cannot reach " + endpoint
                    + ": nothing accepts connections there (connection refused)", e);
        } catch (IOException e) {
            // a timeout or an unknown host: the driver says which, within the same timeout
        }
    }

    /** {@code hello}, or {@code isMaster} on a server that predates it (mongod before 4.4.2). */
    static Document hello(MongoDatabase admin) {
        try {
            return admin.runCommand(new Document("hello", 1));
        } catch (MongoCommandException e) {
            return admin.runCommand(new Document("isMaster", 1));
        }
    }

    /** standalone, primary, secondary (or other, for an arbiter or a member in recovery). */
    private static String role(Document hello) {
        if (hello.get("setName") == null) {
            return "standalone";
        }
        if (Boolean.TRUE.equals(hello.get("isWritablePrimary")) || Boolean.TRUE.equals(hello.get("ismaster"))) {
            return "primary";
        }
        return Boolean.TRUE.equals(hello.get("secondary")) ? "secondary" : "other";
    }

    /** Every database but admin, local and config, with its {@code dbStats} (null fields when it has none). */
    private static List<MongoDetails.Database> databases(MongoClient client) {
        List<MongoDetails.Database> dbs = new ArrayList<>();
        for (String name : client.listDatabaseNames()) {
            if (SYSTEM_DATABASES.contains(name)) {
                continue;
            }
            Document stats;
            try {
                stats = client.getDatabase(name).runCommand(new Document("dbStats", 1));
            } catch (MongoCommandException e) {
                stats = new Document();
            }
            dbs.add(new MongoDetails.Database(name, number(stats, "collections"), number(stats, "objects"),
                    number(stats, "dataSize"), number(stats, "storageSize"), number(stats, "indexSize")));
        }
        return dbs;
    }

    private static MongoDetails.Opcounters opcounters(Document c) {
        if (c == null) {
            return null;
        }
        return new MongoDetails.Opcounters(orZero(number(c, "insert")), orZero(number(c, "query")),
                orZero(number(c, "update")), orZero(number(c, "delete")), orZero(number(c, "getmore")),
                orZero(number(c, "command")));
    }

    private static MongoDetails.Cache cache(Document status) {
        Document wt = status.get("wiredTiger", Document.class);
        Document c = wt == null ? null : wt.get("cache", Document.class);
        if (c == null) {
            return null;
        }
        return new MongoDetails.Cache(number(c, "bytes currently in the cache"), number(c, "maximum bytes configured"),
                number(c, "tracked dirty bytes in the cache"), number(c, "pages read into cache"),
                number(c, "pages requested from the cache"));
    }

    /** See the class comment. */
    static long clientOperations(Document status, MongoDetails.Opcounters ops) {
        Document metrics = status.get("metrics", Document.class);
        Document commands = metrics == null ? null : metrics.get("commands", Document.class);
        if (commands != null) {
            long total = 0;
            for (String name : commands.keySet()) {
                if (!PROBE_COMMANDS.contains(name.toLowerCase(Locale.ROOT)) && commands.get(name) instanceof Document d) {
                    total += orZero(number(d, "total"));
                }
            }
            return total;
        }
        return ops == null ? 0 : ops.insert() + ops.query() + ops.update() + ops.delete() + ops.getmore();
    }

    /** The number at {@code path} in {@code doc}, whatever its BSON numeric type; null when absent. */
    static Long number(Document doc, String... path) {
        Object v = doc;
        for (String key : path) {
            if (!(v instanceof Document d)) {
                return null;
            }
            v = d.get(key);
        }
        return v instanceof Number n ? n.longValue() : null;
    }

    private static Long mebibytes(Long mb) {
        return mb == null ? null : mb * 1024 * 1024;
    }

    private static long orZero(Long n) {
        return n == null ? 0 : n;
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    private static String firstLine(String s) {
        return s == null ? "failed" : s.lines().findFirst().orElse(s);
    }
}
