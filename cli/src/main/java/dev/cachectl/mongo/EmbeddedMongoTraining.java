package dev.cachectl.mongo;

import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import dev.cachectl.config.Endpoint;
import org.bson.Document;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The build's training run for the embedded server's class-data archive ({@link ServerArchive}), not a command:
 * {@code mvn package} runs {@code java -cp cachectl.jar dev.cachectl.mongo.EmbeddedMongoTraining LIST}, which starts
 * the embedded server as {@code cachectl start} does, plus {@code -XX:DumpLoadedClassList=LIST}, asks it what
 * cachectl asks while it starts and reports status, writes, reads and indexes a few documents as a client would, and
 * shuts it down. A step that fails only makes the list shorter: it is reported on stderr and the run exits 0.
 */
public final class EmbeddedMongoTraining {
    private static final Duration READY = Duration.ofSeconds(60);

    private EmbeddedMongoTraining() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 1) {
            System.err.println("usage: EmbeddedMongoTraining CLASSLIST");
            System.exit(2);
        }
        String classPath = System.getProperty("java.class.path");
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(MongoCommands.embedded(java, classPath, port, null, null, null));
        command.add(1, "-XX:DumpLoadedClassList=" + Path.of(args[0]).toAbsolutePath());
        Process server = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            exercise(MongoUrls.local(port), server.pid());
        } catch (MongoException | IllegalStateException e) {
            System.err.println("mongo server training: " + e.getMessage());
        } finally {
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                System.err.println("mongo server training: the server did not stop on the shutdown command; killing it");
                server.destroyForcibly().waitFor();
            }
        }
        System.exit(0);
    }

    private static void exercise(Endpoint endpoint, long pid) throws InterruptedException {
        long deadline = System.nanoTime() + READY.toNanos();
        while (new MongoEngine().hello(endpoint, Duration.ofSeconds(2)).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the server did not answer within " + READY.toSeconds() + " s");
            }
            Thread.sleep(50); // a start in progress: what cachectl's own start does between looks
        }
        try {
            MongoProbe.sample(endpoint, Duration.ofSeconds(5));
            try (MongoClient client = MongoConnections.open(endpoint, Duration.ofSeconds(5))) {
                MongoCollection<Document> docs = client.getDatabase("training").getCollection("docs");
                List<Document> batch = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    batch.add(new Document("_id", i).append("name", "n" + i).append("tags", List.of("a", "b"))
                            .append("nested", new Document("x", i)));
                }
                docs.insertMany(batch);
                docs.createIndex(new Document("name", 1));
                docs.find(new Document("_id", new Document("$gte", 10))).sort(new Document("_id", 1)).batchSize(20)
                        .into(new ArrayList<>());
                docs.replaceOne(new Document("_id", 1), new Document("_id", 1).append("name", "again"));
                docs.updateOne(new Document("_id", 2), new Document("$set", new Document("name", "set")));
                docs.deleteOne(new Document("_id", 3));
                docs.countDocuments();
                client.listDatabaseNames().into(new ArrayList<>());
                client.getDatabase("training").drop();
            }
            MongoProbe.sample(endpoint, Duration.ofSeconds(5));
        } finally {
            new MongoEngine().requestShutdown(endpoint, pid, false, Duration.ofSeconds(5));
        }
    }
}
