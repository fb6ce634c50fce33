package dev.cachectl.mongo.copy;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.InsertManyOptions;
import dev.cachectl.cli.JsonSchemaTest;
import dev.cachectl.testing.Await;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CachectlProcess;
import dev.cachectl.testing.CliResult;
import dev.cachectl.testing.TestMongo;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Interrupted MongoDB migrations: cachectl killed or signalled (a process of its own), or its target lost. The
 * source is an embedded server cachectl starts once for the class (read only here), named {@code src} through
 * MONGODB_SRC_URL; the target {@code dst} is an instance each test starts in its own home, migrated to by name.
 */
class MongoMigrateResumeTest {
    private static final int DOCS = 6_000;
    private static final CachectlHome SERVERS = new CachectlHome();
    private static TestMongo src;

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    private TestMongo dst;

    @BeforeAll
    static void startSource() throws IOException {
        SERVERS.open();
        src = TestMongo.inMemory(SERVERS, "src");
        try (MongoClient source = MongoClients.create(src.connectionString())) {
            List<Document> docs = new ArrayList<>();
            for (int i = 0; i < DOCS; i++) {
                docs.add(new Document("_id", i).append("name", "user-" + i).append("n", (long) i));
                if (docs.size() == 1000) {
                    source.getDatabase("shop").getCollection("users").insertMany(docs, new InsertManyOptions().ordered(false));
                    docs.clear();
                }
            }
            source.getDatabase("shop").getCollection("orders").insertOne(new Document("_id", "o1"));
        }
    }

    @AfterAll
    static void stopSource() {
        SERVERS.close();
    }

    @BeforeEach
    void nameTheSource() {
        src.exportTo(home);
    }

    private long onTarget() {
        try (MongoClient target = MongoClients.create(dst.connectionString())) {
            return target.getDatabase("shop").getCollection("users").countDocuments()
                    + target.getDatabase("shop").getCollection("orders").countDocuments();
        }
    }

    private Path checkpoint() {
        return home.migrateCheckpoint("migrate-mongo-");
    }

    private CachectlProcess slowRun() throws Exception {
        CachectlProcess run = CachectlProcess.launch(home, "migrate.log", "migrate", "src", "dst", "--rate", "1500",
                "--batch", "100", "--threads", "2", "--progress", "none");
        Await.until(Duration.ofSeconds(60), () -> "migrate made no progress: " + run.log(), () -> {
            assertTrue(run.process().isAlive(), () -> "migrate ended early: " + run.log());
            // a checkpoint that holds a resume position in shop.users (an int _id)
            Path cp = checkpoint();
            return onTarget() >= 1000 && cp != null && Files.readString(cp).contains("$numberInt");
        });
        return run;
    }

    private void resumeEndsEqual() throws Exception {
        String saved = Files.readString(checkpoint());
        CliResult resumed = home.run("--json", "migrate", "src", "dst", "--resume", "--verify", "full").assertOk();
        JsonNode s = MongoMigrateTest.json(resumed);
        assertTrue(s.get("resumed").asBoolean());
        assertTrue(s.get("copied").asLong() < DOCS, "a resume copies only what is left: " + s + "\nfrom " + saved);
        assertEquals(0, s.at("/verification/mismatches").asLong(), s.toString());
        assertEquals(DOCS + 1, onTarget());
        assertEquals(null, checkpoint(), "a finished job leaves no checkpoint");
    }

    @Test
    void resumes_after_kill_9_and_ends_equal() throws Exception {
        dst = TestMongo.inMemory(home, "dst");
        CachectlProcess run = slowRun();
        run.signal("-KILL", false);
        run.exitWithin(Duration.ofSeconds(10));
        resumeEndsEqual();
    }

    @Test
    void a_second_run_of_the_job_is_refused_with_exit_5_while_the_first_runs_and_goes_after_its_kill_9() throws Exception {
        dst = TestMongo.inMemory(home, "dst");
        CachectlProcess run = slowRun();
        run.signal("-STOP", false); // still holding the lock, but writing nothing while we look
        try {
            long before = onTarget();
            CliResult refused = home.run("--json", "migrate", "src", "dst", "--resume").assertExit(5);
            JsonNode s = JsonSchemaTest.valid("migrate", refused);
            assertEquals("mongo", s.get("engine").asText(), s.toString());
            assertEquals("skipped", s.get("outcome").asText(), s.toString());
            assertTrue(s.get("stopped_because").asText().startsWith("another migrate run holds the lock " + checkpoint()
                    + ".lock (pid " + run.pid() + ", since "), s.toString());
            assertEquals(before, onTarget(), "a refused run wrote to the target");
        } finally {
            run.signal("-KILL", false);
            run.exitWithin(Duration.ofSeconds(10));
        }
        resumeEndsEqual();
    }

    @Test
    void sigint_saves_the_checkpoint_and_exits_130() throws Exception {
        dst = TestMongo.inMemory(home, "dst");
        CachectlProcess run = slowRun();
        run.signal("-INT", false);
        assertEquals(130, run.exitWithin(Duration.ofSeconds(20)), run.log());
        assertTrue(run.log().contains("checkpoint saved"), run.log());
        assertTrue(checkpoint() != null);
        resumeEndsEqual();
    }

    /** Kills the target once a slow migrate into it has copied some: the migrate's result, exit 3. */
    private CliResult targetDiesMidRun() throws Exception {
        CompletableFuture<CliResult> run = CompletableFuture.supplyAsync(() -> home.run("--json", "migrate", "src", "dst",
                "--rate", "1500", "--batch", "100", "--threads", "2", "--progress", "none"));
        Await.until(Duration.ofSeconds(60), "migrate made no progress", () -> onTarget() >= 1000);
        dst.kill();
        return run.get().assertExit(3);
    }

    @Test
    void a_resume_into_a_target_that_restarted_empty_is_refused_with_exit_2() throws Exception {
        dst = TestMongo.inMemory(home, "dst");
        targetDiesMidRun();
        dst.restart(); // in memory: back without the documents the checkpoint counts as copied
        assertEquals(0, onTarget());
        String saved = Files.readString(checkpoint());
        CliResult refused = home.run("migrate", "src", "dst", "--resume").assertExit(2);
        assertEquals(1, refused.err().strip().lines().count(), refused.err());
        assertTrue(refused.err().contains("--resume refused: target mongodb://127.0.0.1:" + dst.port() + "/ no longer holds "
                + "what the checkpoint counts as copied (shop.orders: 0 of 1 documents, and 1 more collection), so it may have "
                + "restarted empty; run without --resume to copy everything again"), refused.err());
        assertEquals(0, onTarget(), "a refused resume wrote to the target");
        assertEquals(saved, Files.readString(checkpoint()), "a refused resume changed the checkpoint");
        // the way out the refusal names
        CliResult again = home.run("--json", "migrate", "src", "dst").assertOk();
        assertEquals(DOCS + 1, MongoMigrateTest.json(again).get("copied").asLong());
        assertEquals(DOCS + 1, onTarget());
    }

    @Test
    void a_target_that_dies_mid_run_ends_with_exit_3_and_true_counts() throws Exception {
        dst = TestMongo.persisted(home, "dst");
        CliResult r = targetDiesMidRun();
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("lost mongodb://127.0.0.1:" + dst.port() + "/ while writing shop.users"), r.err());
        long copied = MongoMigrateTest.json(r).get("copied").asLong();
        dst.restart();
        long there = onTarget();
        // what the target acknowledged is counted; only the batches in flight when it died may have landed too
        assertTrue(copied <= there && there <= copied + 2 * 100 + 2 * 100, "copied " + copied + ", on the target " + there);
        resumeEndsEqual();
    }
}
