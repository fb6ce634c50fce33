package dev.cachectl.mongo;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

import java.time.Instant;
import java.util.concurrent.CountDownLatch;

/**
 * The embedded MongoDB server: mongo-java-server in a JVM of its own, which the lifecycle starts detached
 * like a redis-server ({@code java … dev.cachectl.mongo.EmbeddedMongoMain --port N [--store FILE]}). It
 * listens on 127.0.0.1 only; without {@code --store} it keeps its data in memory, with it in that H2 file,
 * which is closed cleanly on the {@code shutdown} command and on SIGTERM. It logs to stdout (server.log).
 */
public final class EmbeddedMongoMain {
    private static final CountDownLatch SHUTDOWN = new CountDownLatch(1);

    private EmbeddedMongoMain() {
    }

    public static void main(String[] args) {
        int port = 0;
        String store = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--store" -> store = args[i + 1];
                default -> {
                    log("unknown option " + args[i]);
                    System.exit(2);
                }
            }
        }
        log("mongo-java-server " + MongoBinaries.EMBEDDED_VERSION + " (pid " + ProcessHandle.current().pid() + "), "
                + (store == null ? "memory backend" : "H2 store " + store));
        MongoBackend backend;
        try {
            backend = store == null ? new MemoryBackend() : new H2Backend(store);
        } catch (RuntimeException e) {
            log("cannot open the store " + store + ": " + rootMessage(e));
            System.exit(1);
            return;
        }
        MongoBackend counting = CountingBackend.wrap(backend, SHUTDOWN::countDown);
        MongoServer server = new MongoServer(counting);
        try {
            server.bind("127.0.0.1", port);
        } catch (RuntimeException e) {
            log("cannot listen on 127.0.0.1:" + port + ": " + rootMessage(e));
            counting.close();
            System.exit(1);
            return;
        }
        // SIGTERM (and the shutdown command, through System.exit) close the store once
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(server, counting, "shutting down")));
        log("Waiting for connections on 127.0.0.1:" + port);
        try {
            SHUTDOWN.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stop(server, counting, "shutdown command received; shutting down");
        System.exit(0);
    }

    private static synchronized void stop(MongoServer server, MongoBackend backend, String why) {
        if (stopped) {
            return;
        }
        stopped = true;
        log(why);
        try {
            server.shutdownNow();
        } finally {
            backend.close();
        }
        log("store closed; exiting");
    }

    private static boolean stopped;

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage());
    }

    private static void log(String message) {
        System.out.println(Instant.now() + " " + message);
        System.out.flush();
    }
}
