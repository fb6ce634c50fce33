package dev.cachectl.migrate;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.cachectl.testing.Await;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CachectlProcess;
import dev.cachectl.testing.CliResult;
import dev.cachectl.testing.TestMongo;
import dev.cachectl.util.Json;
import org.bson.Document;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract every engine's copy keeps with the one orchestrator ({@link CopyRun}), run against each
 * engine through the front door: a copy of two units (two Redis dbs, two MongoDB collections) interrupted
 * part way (SIGINT: exit 130, the checkpoint saved), resumed from the resume token of each unit, and
 * verified in full. A resume that lost a unit's token would copy that unit again from its start, more than
 * the in-flight slack allows.
 */
class CopyContractTest {
    /** Items per unit. */
    private static final int PER_UNIT = 3_000;
    private static final int TOTAL = 2 * PER_UNIT;
    /** What a resume may copy twice: SCAN may return a key again, nothing more. */
    private static final int SLACK = 300;

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    /** One engine's side of the contract: its servers, a dataset, and what the target holds. */
    enum Side {
        REDIS {
            @Override
            void start(CachectlHome home) {
                home.run("start", "src", "dst").assertOk();
                try (Jedis src = new Jedis("127.0.0.1", home.port("src"))) {
                    for (int db = 0; db < 2; db++) {
                        src.select(db);
                        Pipeline p = src.pipelined();
                        for (int i = 0; i < PER_UNIT; i++) {
                            p.set("k:" + i, "v" + i);
                        }
                        p.sync();
                    }
                }
            }

            @Override
            long onTarget(CachectlHome home) {
                long n = 0;
                try (Jedis dst = new Jedis("127.0.0.1", home.port("dst"))) {
                    for (int db = 0; db < 2; db++) {
                        dst.select(db);
                        n += dst.dbSize();
                    }
                }
                return n;
            }

            @Override
            List<String> options() {
                return List.of("--reader", "scan", "--scan-count", "100");
            }
        },
        MONGO {
            @Override
            void start(CachectlHome home) {
                TestMongo src = TestMongo.inMemory(home, "src");
                TestMongo.inMemory(home, "dst");
                try (MongoClient client = MongoClients.create(src.connectionString())) {
                    for (String collection : List.of("users", "orders")) {
                        List<Document> docs = new ArrayList<>();
                        for (int i = 0; i < PER_UNIT; i++) {
                            docs.add(new Document("_id", i).append("name", collection + "-" + i));
                        }
                        client.getDatabase("shop").getCollection(collection).insertMany(docs);
                    }
                }
            }

            @Override
            long onTarget(CachectlHome home) {
                try (MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + home.port("dst"))) {
                    return client.getDatabase("shop").getCollection("users").countDocuments()
                            + client.getDatabase("shop").getCollection("orders").countDocuments();
                }
            }

            @Override
            List<String> options() {
                return List.of();
            }
        };

        abstract void start(CachectlHome home);

        abstract long onTarget(CachectlHome home);

        /** Options of this engine's migrate that make the run read unit by unit. */
        abstract List<String> options();
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void an_interrupted_copy_resumes_from_each_units_token_and_verifies(Side side) throws Exception {
        side.start(home);
        List<String> args = new ArrayList<>(List.of("migrate", "src", "dst", "--rate", "2000", "--threads", "2",
                "--batch", "100", "--progress", "none"));
        args.addAll(side.options());
        CachectlProcess run = CachectlProcess.launch(home, "migrate.log", args.toArray(String[]::new));
        Await.until(Duration.ofSeconds(60), () -> "migrate made no progress: " + run.log(), () -> {
            assertTrue(run.process().isAlive(), () -> "migrate ended early: " + run.log());
            return side.onTarget(home) >= TOTAL / 4 && checkpoint() != null;
        });
        run.signal("-INT", false);
        assertEquals(130, run.exitWithin(Duration.ofSeconds(20)), run.log());
        assertTrue(checkpoint() != null, "an interrupted copy keeps its checkpoint");
        long before = side.onTarget(home);
        assertTrue(before < TOTAL, "interrupted before the end: " + before);

        CliResult resumed = home.run("--json", "migrate", "src", "dst", "--resume", "--verify", "full").assertOk();
        JsonNode s = Json.MAPPER.readTree(resumed.out());
        assertTrue(s.get("resumed").asBoolean(), s.toString());
        long copied = s.get("copied").asLong();
        assertTrue(copied <= TOTAL - before + SLACK, "a resume goes on from each unit's token: it copied " + copied
                + " while " + before + " of " + TOTAL + " were on the target");
        assertEquals(0, s.at("/verification/mismatches").asLong(), s.toString());
        assertEquals(TOTAL, side.onTarget(home));
        assertNull(checkpoint(), "a finished copy leaves no checkpoint");
    }

    private Path checkpoint() {
        return home.migrateCheckpoint("migrate-");
    }
}
