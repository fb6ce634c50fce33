package dev.cachectl.testing;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * A MongoDB server (mongo-java-server) inside the test JVM on 127.0.0.1, in memory or in an H2 file
 * (whose data outlives a {@link #kill}, so a test can look at what a lost target kept). Close it in
 * {@code @AfterEach}/{@code @AfterAll}. Until {@code cachectl start --engine mongo} exists on this
 * branch, the migrate tests use it; then they can switch to an instance cachectl starts.
 */
public final class TestMongo implements AutoCloseable {
    private final Path file;
    private MongoServer server;
    private int port;

    private TestMongo(Path file) {
        this.file = file;
        start(0);
    }

    public static TestMongo inMemory() {
        return new TestMongo(null);
    }

    /** Kept in {@code file} (H2), so it can be stopped and started again on the same port with its data. */
    public static TestMongo inFile(Path file) {
        return new TestMongo(file);
    }

    private void start(int wanted) {
        MongoBackend backend = file == null ? new MemoryBackend() : new H2Backend(file.toString());
        server = new MongoServer(backend);
        server.bind(new InetSocketAddress("127.0.0.1", wanted));
        port = server.getLocalAddress().getPort();
    }

    public int port() {
        return port;
    }

    /** {@code mongodb://127.0.0.1:PORT/} followed by {@code path} (a database, or database.collection). */
    public String url(String path) {
        return "mongodb://127.0.0.1:" + port + "/" + path;
    }

    public String connectionString() {
        return "mongodb://127.0.0.1:" + port;
    }

    /** Drops every connection and stops serving at once, as a server that dies would. */
    public void kill() {
        server.shutdownNow();
    }

    /** Serves again on the same port (the same data when it is kept in a file). */
    public void restart() {
        start(port);
    }

    @Override
    public void close() {
        server.shutdownNow();
    }
}
