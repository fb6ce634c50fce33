package dev.cachectl.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * A MongoDB server as users get it: the embedded server that {@code cachectl start NAME --engine mongo} launches
 * (its own JVM, on 127.0.0.1), in a {@link CachectlHome}, in memory or with {@code --persist} (its H2 store, whose
 * data outlives a {@link #kill}, so a test can look at what a lost target kept). Other commands of that home can
 * name it; another home reaches it by {@link #url} or by {@link #exportTo} ({@code MONGODB_<NAME>_URL}).
 */
public final class TestMongo implements AutoCloseable {
    private final CachectlHome home;
    private final String name;
    private final boolean persist;
    private int port;

    private TestMongo(CachectlHome home, String name, boolean persist) {
        this.home = home;
        this.name = name;
        this.persist = persist;
        start(null);
    }

    public static TestMongo inMemory(CachectlHome home, String name) {
        return new TestMongo(home, name, false);
    }

    /** Kept in its H2 store, so it can be killed and started again on the same port with its data. */
    public static TestMongo persisted(CachectlHome home, String name) {
        return new TestMongo(home, name, true);
    }

    private void start(Integer onPort) {
        List<String> args = new ArrayList<>(List.of("start", name, "--engine", "mongo"));
        if (persist) {
            args.add("--persist");
        }
        if (onPort != null) {
            args.addAll(List.of("--port", onPort.toString()));
        }
        home.run(args.toArray(String[]::new)).assertOk();
        port = home.port(name);
    }

    public String name() {
        return name;
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

    /** Makes this server an external instance of the same name in {@code other} ({@code MONGODB_<NAME>_URL}). */
    public void exportTo(CachectlHome other) {
        other.env().put("MONGODB_" + name.toUpperCase(java.util.Locale.ROOT).replace('-', '_') + "_URL", url(""));
    }

    /**
     * Ends the server process at once, by the pid in its state file, as a server that dies would: SIGTERM, which the
     * embedded server answers by dropping every connection and closing its store. Not SIGKILL: the embedded
     * server's H2 store commits about once a second, so a SIGKILL loses writes it had acknowledged (a property of
     * that server, not of cachectl) and what the target holds could no longer be compared with what it confirmed.
     */
    public void kill() {
        ProcessHandle server = ProcessHandle.of(home.pid(name)).orElseThrow();
        server.destroy();
        server.onExit().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
    }

    /** Serves again on the same port (the same data when it is persisted). */
    public void restart() {
        start(port);
    }

    @Override
    public void close() {
        home.run("stop", name, "--timeout", "5s");
    }
}
