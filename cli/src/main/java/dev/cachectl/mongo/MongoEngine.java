package dev.cachectl.mongo;

import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import dev.cachectl.CachectlException;
import dev.cachectl.config.Endpoint;
import dev.cachectl.engine.Engine;
import dev.cachectl.engine.InstanceLayout;
import dev.cachectl.engine.ResolvedBinary;
import dev.cachectl.engine.ServerHello;
import dev.cachectl.engine.ShutdownRequest;
import dev.cachectl.engine.ServerSample;
import dev.cachectl.engine.ServerSettings;
import dev.cachectl.lifecycle.Home;
import dev.cachectl.lifecycle.Supervisor;
import dev.cachectl.util.FileWrites;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * MongoDB: a real {@code mongod} when one is found, else the embedded server ({@link EmbeddedMongoMain}, a JVM of
 * its own), both standalone on 127.0.0.1. Options that MongoDB or the embedded server cannot honour are refused.
 */
public final class MongoEngine implements Engine {
    private static final String STORE_FILE = "mongo.mv.db";

    @Override
    public String name() {
        return "mongo";
    }

    @Override
    public Set<String> schemes() {
        return Set.of(MongoUrls.SCHEME, "mongodb+srv");
    }

    @Override
    public Endpoint parse(String url) {
        return MongoUrls.parse(url);
    }

    @Override
    public int defaultPort() {
        return MongoUrls.DEFAULT_PORT;
    }

    @Override
    public String envPrefix() {
        return "MONGODB_";
    }

    @Override
    public ResolvedBinary resolveBinary(Path explicit, Map<String, String> env, Path homeRoot) {
        return MongoBinaries.resolve(explicit, env);
    }

    /** No cluster, eviction policy, TLS or password: each is refused with what to do instead. */
    @Override
    public ServerSettings settings(Map<String, Object> raw) {
        ServerSettings spec = new ServerSettings(raw);
        if (spec.cluster() != null) {
            throw CachectlException.usage("--cluster does not apply to a mongo instance: cachectl starts a standalone "
                    + "MongoDB server (no replica set or sharding)");
        }
        if (spec.get(ServerSettings.POLICY, String.class) != null) {
            throw CachectlException.usage("--policy does not apply to a mongo instance: MongoDB does not evict documents "
                    + "(use a TTL index to expire them)");
        }
        if (spec.tls()) {
            throw CachectlException.usage("--tls does not apply to a mongo instance: cachectl starts MongoDB on 127.0.0.1 without TLS");
        }
        if (spec.password() != null) {
            throw CachectlException.usage("--password does not apply to a mongo instance: the embedded server has no "
                    + "authentication, and cachectl does not create users in mongod");
        }
        MongoCommands.checkMaxmemory(spec.maxmemory(), true);
        return spec;
    }

    @Override
    public List<String> prepare(String instance, ServerSettings spec, int port, InstanceLayout layout, ResolvedBinary binary) {
        FileWrites.ensureDir(layout.dataDir(), layout.dataDir().toString());
        // the port, for a stop that must find the server without its state file (FolderServers)
        FileWrites.atomically(layout.configFile(), "# written by cachectl: the instance's server listens on\nport " + port + "\n");
        if (!MongoBinaries.EMBEDDED.equals(binary.source())) {
            MongoCommands.checkMaxmemory(spec.maxmemory(), false);
            return MongoCommands.mongod(binary.path(), port, layout.dataDir(), spec.maxmemory());
        }
        // an instance's folder is HOME/instances/NAME: the supervisor's copy of cachectl's jar serves this JVM too
        Home home = new Home(layout.dir().toAbsolutePath().getParent().getParent());
        String classPath = Supervisor.supervisorClassPath(home);
        Path archive = ServerArchive.forServer(binary.path(), classPath, ServerArchive.classList()).orElse(null);
        return MongoCommands.embedded(binary.path(), classPath, port,
                spec.persist() ? layout.dataDir().resolve(STORE_FILE) : null, spec.maxmemory(), archive);
    }

    @Override
    public OptionalInt configuredPort(Path configFile) {
        try {
            return Files.readAllLines(configFile).stream().filter(l -> l.startsWith("port "))
                    .mapToInt(l -> Integer.parseInt(l.substring(5).trim())).findFirst();
        } catch (IOException | NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    @Override
    public boolean reportsPortInUse(List<String> logTail) {
        return MongoLog.portInUse(logTail);
    }

    @Override
    public Optional<ServerHello> hello(Endpoint endpoint, Duration timeout) {
        // a driver facing a closed port retries until its selection timeout: look first, and come back soon
        if (!listening(endpoint, timeout)) {
            MongoConnections.warmUp(endpoint);
            return Optional.empty();
        }
        try (MongoClient client = MongoConnections.open(endpoint, timeout)) {
            return Optional.of(MongoCounters.hello(client));
        } catch (MongoException e) {
            if (MongoConnections.unreachable(e)) {
                return Optional.empty();
            }
            throw MongoConnections.translate(endpoint, e);
        }
    }

    @Override
    public ShutdownRequest requestShutdown(Endpoint endpoint, long pid, boolean save, Duration timeout) {
        boolean asked = false;
        try (MongoClient client = MongoConnections.open(endpoint, timeout)) {
            long answered = MongoCounters.hello(client).pid();
            if (answered != pid) {
                return ShutdownRequest.answeredBy(answered);
            }
            asked = true;
            client.getDatabase("admin").runCommand(new org.bson.Document("shutdown", 1).append("force", true));
            return ShutdownRequest.sentTo(pid);
        } catch (MongoException e) {
            // after the request, the server closing the connection as it exits is the expected answer
            if (!MongoConnections.unreachable(e)) {
                throw MongoConnections.translate(endpoint, e);
            }
            return asked ? ShutdownRequest.sentTo(pid) : ShutdownRequest.noAnswer();
        }
    }

    @Override
    public ServerSample sample(Endpoint endpoint, Duration timeout) {
        return MongoProbe.sample(endpoint, timeout);
    }

    @Override
    public ServerSample.Details unknownDetails() {
        return MongoDetails.UNKNOWN;
    }

    @Override
    public Endpoint localEndpoint(int port, String password) {
        return MongoUrls.local(port);
    }

    private static boolean listening(Endpoint endpoint, Duration timeout) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), (int) Math.max(50, Math.min(timeout.toMillis(), 2000)));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public dev.cachectl.migrate.Copy copy() {
        return new dev.cachectl.mongo.copy.MongoMigrator();
    }

    @Override
    public dev.cachectl.bench.Bench bench() {
        return new dev.cachectl.mongo.bench.MongoBench();
    }
}
