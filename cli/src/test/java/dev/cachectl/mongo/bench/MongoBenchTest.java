package dev.cachectl.mongo.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import dev.cachectl.cli.JsonSchemaTest;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import dev.cachectl.testing.TestMongo;
import dev.cachectl.testing.Await;
import dev.cachectl.util.Json;
import org.bson.Document;
import org.bson.types.Binary;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bench} against MongoDB: the Redis bench's report, on documents, against one embedded server that
 * {@code start mb --engine mongo} started for the class (emptied before each test), named {@code mb} in its home.
 */
class MongoBenchTest {
    private static final CachectlHome home = new CachectlHome();
    private static TestMongo mongo;
    private MongoClient client;

    @BeforeAll
    static void startServer() throws IOException {
        home.open();
        mongo = TestMongo.inMemory(home, "mb");
    }

    @AfterAll
    static void stopServer() {
        home.close();
    }

    @BeforeEach
    void emptyServer() {
        client = MongoClients.create(mongo.connectionString());
        client.listDatabaseNames().into(new ArrayList<>()).stream()
                .filter(db -> !List.of("admin", "local", "config").contains(db))
                .forEach(db -> client.getDatabase(db).drop());
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    @Test
    void a_run_on_a_mongo_instance_reports_its_operations_in_the_bench_schema_and_drops_its_own_collection() throws IOException {
        JsonNode closed = JsonSchemaTest.valid("bench", home.run("--json", "bench", "mb", "--requests", "400", "--keys", "100",
                "--clients", "4", "--key-pattern", "zipf").assertOk());
        assertEquals("completed", closed.get("outcome").asText(), closed.toString());
        assertEquals(400, closed.at("/overall/count").asLong(), closed.toString());
        assertEquals(400, closed.at("/commands/0/count").asLong() + closed.at("/commands/1/count").asLong());
        assertTrue(closed.at("/overall/ops_per_sec").asDouble() > 0, closed.toString());
        assertOrdered(closed.get("overall"));
        assertEquals(100, closed.at("/run/preloaded_keys").asLong());
        assertEquals(1.0, closed.at("/gets/hit_ratio").asDouble(), "every GET finds a preloaded document");
        assertEquals(0, closed.get("errors").asLong());
        assertEquals(List.of("127.0.0.1:" + mongo.port()), addresses(closed));

        JsonNode open = JsonSchemaTest.valid("bench", home.run("--json", "bench", mongo.url(""), "--rate", "1000",
                "--requests", "200", "--ratio", "1:1", "--data-size-range", "10-300", "--no-preload").assertOk());
        assertEquals(200, open.at("/overall/count").asLong(), open.toString());
        assertEquals(1000.0, open.at("/open_loop/offered_rate").asDouble());
        assertOrdered(open.get("overall"));
        assertTrue(open.at("/service_time/0/count").asLong() > 0, open.toString());

        assertFalse(ownCollectionExists(), "bench's own cachectl_bench.kv is dropped after each run");
    }

    @Test
    void the_default_collection_holds_the_documents_while_the_run_lasts() throws Exception {
        MongoCollection<Document> kv = client.getDatabase("cachectl_bench").getCollection("kv");
        CompletableFuture<CliResult> run = CompletableFuture.supplyAsync(() -> home.run("bench", "mb", "--ratio", "1:0",
                "--duration", "3s", "--requests", "0", "--keys", "20", "--data-size", "32", "--clients", "2"));
        Await.until(Duration.ofSeconds(20), "bench documents in cachectl_bench.kv",
                () -> kv.countDocuments(new Document("_id", new Document("$regex", "^bench:"))) > 0);
        Document one = kv.find().first();
        assertNotNull(one);
        assertEquals(32, one.get("v", Binary.class).length(), one.toJson());
        CliResult r = run.get(60, TimeUnit.SECONDS).assertOk();
        assertTrue(r.out().contains("SET"), r.toString());
        assertFalse(ownCollectionExists(), "dropped once the run ended");
    }

    private boolean ownCollectionExists() {
        return client.getDatabase("cachectl_bench").listCollectionNames().into(new ArrayList<>())
                .contains("kv");
    }

    @Test
    void a_collection_the_url_names_keeps_the_documents_and_is_guarded_and_cleaned_up_like_a_prefix() throws IOException {
        MongoCollection<Document> cache = client.getDatabase("shop").getCollection("cache");
        cache.insertOne(new Document("_id", "other").append("v", "kept"));

        CliResult csv = home.run("bench", mongo.url("shop.cache"), "--ratio", "1:0", "--requests", "300", "--keys", "50",
                "--data-size", "64", "--clients", "3", "--csv").assertOk();
        assertTrue(csv.out().startsWith("\"test\",\"rps\",\"avg_latency_ms\"") && csv.out().contains("\n\"SET\","), csv.toString());
        List<Document> written = cache.find(new Document("_id", new Document("$regex", "^bench:"))).into(new ArrayList<>());
        assertTrue(!written.isEmpty() && written.size() <= 50, written.size() + " documents");
        for (Document d : written) {
            assertEquals(64, d.get("v", Binary.class).length(), d.toJson());
        }

        CliResult held = home.run("bench", mongo.url("shop.cache"), "--requests", "10").assertExit(2);
        assertTrue(held.err().contains("already holds " + written.size() + " keys under 'bench:'"), held.toString());

        CliResult cleaned = home.run("--json", "bench", mongo.url("shop.cache"), "--ratio", "1:0", "--requests", "10",
                "--keys", "50", "--force", "--cleanup").assertOk();
        assertTrue(Json.MAPPER.readTree(cleaned.out()).at("/run/cleaned_up_keys").asLong() >= written.size(), cleaned.toString());
        assertEquals(List.of(new Document("_id", "other").append("v", "kept")), cache.find().into(new ArrayList<>()),
                "only bench's documents are removed, and a collection the user named is kept");
    }

    @Test
    void options_without_meaning_for_mongo_are_refused_naming_them_and_an_unreachable_or_refusing_server_is_told_apart() {
        assertRefused(home.run("bench", "mb", "--pipeline", "8", "--requests", "10"),
                "--pipeline does not apply to a mongo instance");
        assertRefused(home.run("bench", "mb", "--threads", "2", "--requests", "10"),
                "--threads does not apply to a mongo instance");
        assertRefused(home.run("bench", "mb", "--mode", "eviction"), "--mode eviction does not apply to a mongo instance");
        assertRefused(home.run("bench", mongo.url(""), "--mode", "cold-start"), "--mode cold-start does not apply to a mongo instance");
        // mongo-java-server has no authentication: the driver's handshake fails as against a wrong password
        CliResult auth = assertRefused(home.run("bench", "mongodb://u:secret@127.0.0.1:" + mongo.port() + "/", "--requests", "10"),
                "authentication failed");
        assertFalse(auth.err().contains("secret"), auth.toString());
        CliResult down = home.run("bench", "mongodb://127.0.0.1:1/", "--requests", "10").assertExit(3);
        assertTrue(down.err().contains("cannot reach mongodb://127.0.0.1:1/"), down.toString());
        assertEquals(1, down.err().strip().lines().count(), down.toString());
    }

    private static CliResult assertRefused(CliResult r, String says) {
        r.assertExit(2);
        assertTrue(r.err().contains(says), r.toString());
        assertEquals(1, r.err().strip().lines().count(), r.toString());
        return r;
    }

    private static void assertOrdered(JsonNode latency) {
        assertNotNull(latency);
        double[] values = {latency.get("min_ms").asDouble(), latency.get("p50_ms").asDouble(), latency.get("p90_ms").asDouble(),
                latency.get("p99_ms").asDouble(), latency.get("p999_ms").asDouble(), latency.get("max_ms").asDouble()};
        for (int i = 1; i < values.length; i++) {
            assertTrue(values[i - 1] <= values[i], "percentiles in order: " + latency);
        }
        assertTrue(values[values.length - 1] > 0, latency.toString());
    }

    private static List<String> addresses(JsonNode report) {
        List<String> list = new ArrayList<>();
        report.get("nodes").forEach(n -> list.add(n.get("address").asText()));
        return list;
    }
}
