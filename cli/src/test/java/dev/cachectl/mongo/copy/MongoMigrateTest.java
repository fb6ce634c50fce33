package dev.cachectl.mongo.copy;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import dev.cachectl.testing.Await;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import dev.cachectl.testing.TestMongo;
import dev.cachectl.util.Json;
import org.bson.BsonBinary;
import org.bson.BsonBinarySubType;
import org.bson.BsonDateTime;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonJavaScript;
import org.bson.BsonMaxKey;
import org.bson.BsonMinKey;
import org.bson.BsonNull;
import org.bson.BsonObjectId;
import org.bson.BsonRegularExpression;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MongoDB migrate through the front door, between two embedded MongoDB servers that cachectl starts (once for the
 * class, emptied before each test), named as external instances {@code src} and {@code dst} (MONGODB_SRC_URL, …).
 */
class MongoMigrateTest {
    private static final CachectlHome SERVERS = new CachectlHome();
    private static TestMongo src;
    private static TestMongo dst;

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    private MongoClient source;
    private MongoClient target;

    @BeforeAll
    static void startServers() throws IOException {
        SERVERS.open();
        src = TestMongo.inMemory(SERVERS, "src");
        dst = TestMongo.inMemory(SERVERS, "dst");
    }

    @AfterAll
    static void stopServers() {
        SERVERS.close();
    }

    @BeforeEach
    void emptyServers() {
        source = MongoClients.create(src.connectionString());
        target = MongoClients.create(dst.connectionString());
        for (MongoClient client : List.of(source, target)) {
            client.listDatabaseNames().into(new ArrayList<>()).stream()
                    .filter(db -> !List.of("admin", "local", "config").contains(db))
                    .forEach(db -> client.getDatabase(db).drop());
        }
        src.exportTo(home);
        dst.exportTo(home);
    }

    @AfterEach
    void stop() {
        source.close();
        target.close();
    }

    /**
     * 30 users on the source; the target already has a user holding e0..e14 under other ids, behind a unique
     * index, so it refuses 15 of them. Returns the target's collection.
     */
    private com.mongodb.client.MongoCollection<Document> refusingTarget() {
        var users = source.getDatabase("shop").getCollection("users");
        for (int i = 0; i < 30; i++) {
            users.insertOne(new Document("_id", "u" + i).append("email", "e" + i));
        }
        var there = target.getDatabase("shop").getCollection("users");
        there.createIndex(new Document("email", 1), new com.mongodb.client.model.IndexOptions().unique(true));
        for (int i = 0; i < 15; i++) {
            there.insertOne(new Document("_id", "other" + i).append("email", "e" + i));
        }
        return there;
    }

    private CliResult migrate(String... more) {
        List<String> args = new ArrayList<>(List.of("--json", "migrate", "src", "dst"));
        args.addAll(List.of(more));
        return home.run(args.toArray(String[]::new));
    }

    static JsonNode json(CliResult r) throws IOException {
        return Json.MAPPER.readTree(r.out());
    }

    private static byte[] raw(RawBsonDocument d) {
        var buf = d.getByteBuffer();
        byte[] out = new byte[buf.remaining()];
        buf.get(out);
        return out;
    }

    static BsonDocument everyType(int i) {
        BsonDocument d = new BsonDocument("_id", new BsonObjectId(new ObjectId()));
        d.append("zeta", new BsonString("first field, out of alphabetical order"))
                .append("i32", new BsonInt32(i))
                .append("i64", new BsonInt64(i))
                .append("dbl", new BsonDouble(i))
                .append("dec", new BsonDecimal128(new Decimal128(new BigDecimal("12345.678900"))))
                .append("date", new BsonDateTime(1_700_000_000_123L))
                .append("ts", new BsonTimestamp(1_700_000_000, 7))
                .append("bin0", new BsonBinary(new byte[] {0, 1, 2, (byte) 255}))
                .append("uuid", new BsonBinary(UUID.fromString("00112233-4455-6677-8899-aabbccddeeff")))
                .append("user", new BsonBinary((byte) 0x80, new byte[] {9, 9}))
                .append("bool", BsonBoolean.TRUE)
                .append("nil", BsonNull.VALUE)
                .append("re", new BsonRegularExpression("^a.*z$", "im"))
                .append("js", new BsonJavaScript("function(){return 1}"))
                .append("min", new BsonMinKey())
                .append("max", new BsonMaxKey())
                .append("nested", new BsonDocument("b", new BsonInt32(2)).append("a", new BsonArray(List.of(
                        new BsonInt64(1), new BsonDocument("deep", new BsonString("x")), new BsonArray()))))
                .append("empty", new BsonDocument());
        return d;
    }

    @Test
    void every_bson_type_arrives_byte_for_byte() throws IOException {
        MongoCollection<BsonDocument> things = source.getDatabase("shop").getCollection("things", BsonDocument.class);
        for (int i = 0; i < 50; i++) {
            things.insertOne(everyType(i));
        }
        source.getDatabase("shop").getCollection("ids", BsonDocument.class).insertMany(List.of(
                new BsonDocument("_id", new BsonInt32(1)), new BsonDocument("_id", new BsonInt64(2)),
                new BsonDocument("_id", new BsonString("s")), new BsonDocument("_id", new BsonDouble(2.5)),
                new BsonDocument("_id", new BsonDocument("k", new BsonInt32(1)))));

        JsonNode s = json(migrate("--verify", "full", "--batch", "7").assertOk());
        assertEquals("completed", s.get("outcome").asText());
        assertEquals(55, s.get("copied").asLong());
        assertEquals(0, s.at("/verification/mismatches").asLong());
        assertTrue(s.get("docs_per_sec").asDouble() > 0);
        for (String coll : List.of("things", "ids")) {
            List<RawBsonDocument> a = source.getDatabase("shop").getCollection(coll, RawBsonDocument.class).find()
                    .sort(new Document("_id", 1)).into(new ArrayList<>());
            List<RawBsonDocument> b = target.getDatabase("shop").getCollection(coll, RawBsonDocument.class).find()
                    .sort(new Document("_id", 1)).into(new ArrayList<>());
            assertEquals(a.size(), b.size());
            for (int i = 0; i < a.size(); i++) {
                assertArrayEquals(raw(a.get(i)), raw(b.get(i)), coll + " document " + i + " differs");
            }
        }
    }

    @Test
    void indexes_arrive_with_their_options() {
        var db = source.getDatabase("shop");
        db.getCollection("users").insertOne(new Document("_id", 1).append("email", "a@x").append("t", "hello"));
        List<Document> specs = List.of(
                new Document("key", new Document("email", 1)).append("name", "email_1").append("unique", true),
                new Document("key", new Document("nick", 1)).append("name", "nick_1").append("unique", true).append("sparse", true),
                new Document("key", new Document("a", 1).append("b", -1)).append("name", "a_1_b_-1"),
                new Document("key", new Document("at", 1)).append("name", "at_1").append("expireAfterSeconds", 3600),
                new Document("key", new Document("p", 1)).append("name", "p_1")
                        .append("partialFilterExpression", new Document("p", new Document("$gt", 5))),
                new Document("key", new Document("t", "text")).append("name", "t_text").append("weights", new Document("t", 3)));
        db.runCommand(new Document("createIndexes", "users").append("indexes", specs));

        migrate("--verify", "quick").assertOk();
        assertEquals(indexes(db.getCollection("users")), indexes(target.getDatabase("shop").getCollection("users")));
    }

    private static List<String> indexes(MongoCollection<Document> c) {
        List<String> out = new ArrayList<>();
        c.listIndexes().forEach(i -> out.add(i.toJson()));
        out.sort(null);
        return out;
    }

    @Test
    void scope_match_exclude_rename_and_query() throws IOException {
        for (String ns : List.of("shop.users", "shop.orders", "shop.tmp_x", "crm.leads")) {
            String[] p = ns.split("\\.");
            for (int i = 0; i < 10; i++) {
                source.getDatabase(p[0]).getCollection(p[1]).insertOne(new Document("_id", i).append("n", i));
            }
        }
        JsonNode s = json(home.run("--json", "migrate", src.url(""), dst.url(""), "--match", "shop.*", "--exclude",
                "shop.tmp_*", "--rename", "shop.users=crm.members", "--rename", "shop=archive", "--query", "{\"n\": {\"$gte\": 4}}")
                .assertOk());
        assertEquals(12, s.get("copied").asLong());
        assertEquals(6, target.getDatabase("crm").getCollection("members").countDocuments());
        assertEquals(6, target.getDatabase("archive").getCollection("orders").countDocuments());
        assertEquals(List.of("archive", "crm"), target.listDatabaseNames().into(new ArrayList<>()).stream().sorted().toList());
        assertFalse(target.getDatabase("crm").listCollectionNames().into(new ArrayList<>()).contains("leads"));

        // one collection into another name, from the URLs alone
        home.run("migrate", src.url("crm.leads"), dst.url("sales.prospects")).assertOk();
        assertEquals(10, target.getDatabase("sales").getCollection("prospects").countDocuments());
    }

    @Test
    void skip_existing_keeps_target_documents_and_counts_them() throws IOException {
        var users = source.getDatabase("shop").getCollection("users");
        for (int i = 0; i < 20; i++) {
            users.insertOne(new Document("_id", i).append("v", "source"));
        }
        var there = target.getDatabase("shop").getCollection("users");
        there.insertOne(new Document("_id", 3).append("v", "target"));
        there.insertOne(new Document("_id", 7).append("v", "target"));

        JsonNode s = json(migrate("--skip-existing").assertOk());
        assertEquals(18, s.get("copied").asLong());
        assertEquals(2, s.get("skipped_existing").asLong());
        assertEquals("target", there.find(new Document("_id", 3)).first().getString("v"));

        JsonNode replaced = json(migrate().assertOk());
        assertEquals(20, replaced.get("copied").asLong());
        assertEquals("source", there.find(new Document("_id", 3)).first().getString("v"));
    }

    // A --replace into a collection that was empty when the run prepared it inserts (cheaper for the target than
    // upserts) and ends exactly as replace-or-insert would. Which writes the target received is read from its own
    // per-command counters (serverStatus), as the embedded server keeps them.

    private MongoCollection<Document> users(MongoClient client) {
        return client.getDatabase("shop").getCollection("users");
    }

    private void fillSource(int count) {
        List<Document> docs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            docs.add(new Document("_id", i).append("v", "source").append("n", i));
        }
        users(source).insertMany(docs);
    }

    /** How many {@code command} requests the target has served so far. */
    private long targetCommands(String command) {
        Document status = target.getDatabase("admin").runCommand(new Document("serverStatus", 1));
        Object total = status.get("metrics", Document.class).get("commands", Document.class)
                .getOrDefault(command, new Document()) instanceof Document d ? d.get("total") : null;
        return total instanceof Number n ? n.longValue() : 0;
    }

    private List<RawBsonDocument> all(MongoClient client) {
        return client.getDatabase("shop").getCollection("users", RawBsonDocument.class).find()
                .sort(new Document("_id", 1)).into(new ArrayList<>());
    }

    private RawBsonDocument one(MongoClient client, int id) {
        return client.getDatabase("shop").getCollection("users", RawBsonDocument.class).find(new Document("_id", id)).first();
    }

    @Test
    void replace_into_an_empty_target_inserts_and_never_upserts() throws IOException {
        fillSource(300);
        long updates = targetCommands("update");
        long inserts = targetCommands("insert");

        JsonNode s = json(migrate("--batch", "100").assertOk());

        assertEquals(300, s.get("copied").asLong());
        assertEquals(0, s.get("failed").asLong());
        assertEquals(updates, targetCommands("update"), "an empty target got upserts");
        assertTrue(targetCommands("insert") - inserts >= 3, "no inserts reached the target");
        assertTrue(all(source).equals(all(target)), "the target differs from the source");
    }

    @Test
    void replace_into_a_non_empty_target_still_replaces() throws IOException {
        fillSource(50);
        users(target).insertMany(List.of(new Document("_id", 3).append("v", "target").append("stale", true),
                new Document("_id", 1000).append("v", "only in the target")));
        long updates = targetCommands("update");

        JsonNode s = json(migrate("--batch", "20").assertOk());

        assertEquals(50, s.get("copied").asLong());
        assertTrue(targetCommands("update") > updates, "a non-empty target was not written by replace");
        List<RawBsonDocument> there = all(target);
        assertEquals(one(source, 3), one(target, 3), "the target's document was not replaced by the source's");
        assertTrue(all(source).equals(there.subList(0, 50)), "the target's documents differ from the source's");
        assertEquals("only in the target", there.get(50).getString("v").getValue());
    }

    @Test
    void a_document_written_to_the_target_meanwhile_ends_replaced() throws Exception {
        fillSource(1000);
        // slow enough (about 2.5 s) for this test to write _id 999 long before the copy reaches it
        CompletableFuture<CliResult> run = CompletableFuture.supplyAsync(() -> migrate("--batch", "50", "--rate", "400",
                "--threads", "1"));
        Await.until(Duration.ofSeconds(10), "the copy to begin", () -> users(target).countDocuments() > 0);
        users(target).insertOne(new Document("_id", 999).append("v", "concurrent writer"));
        assertTrue(users(target).countDocuments(new Document("_id", new Document("$gte", 900))) == 1,
                "the copy reached the end before the concurrent write: the test proves nothing");

        JsonNode s = json(run.get(30, TimeUnit.SECONDS).assertOk());

        assertEquals(1000, s.get("copied").asLong());
        assertEquals(0, s.get("failed").asLong());
        assertEquals(one(source, 999), one(target, 999), "the concurrent writer's document was not replaced");
        assertTrue(all(source).equals(all(target)), "the target differs from the source");
    }

    @Test
    void a_list_of_refused_documents_that_cannot_be_written_is_one_line_and_exit_1() throws IOException {
        refusingTarget();
        // past the 10 refusals the summary shows, the list goes under HOME/migrate; the checkpoint elsewhere
        Path lists = Files.writeString(home.root().resolve("migrate"), "a file where the lists' folder goes");
        CliResult r = home.run("migrate", "src", "dst", "--threads", "1", "--batch", "4", "--progress", "none",
                "--checkpoint", home.workDir().resolve("job.json").toString()).assertExit(1);
        // the summary of what was copied and the checkpoint to resume from, then why the run stopped, in one line
        List<String> err = r.err().lines().toList();
        assertTrue(err.get(0).startsWith("migrate failed: 15 copied"), r.toString());
        assertTrue(r.err().contains("checkpoint saved: " + home.workDir().resolve("job.json")), r.toString());
        String last = err.get(err.size() - 1);
        assertTrue(last.startsWith("cachectl: cannot write the list of refused documents " + lists + "/refused-"), r.toString());
        assertTrue(last.endsWith(lists + " exists and is not a folder"), r.toString());
        assertFalse(r.err().contains("--verbose"), r.toString());
    }

    @Test
    void documents_the_target_refuses_are_counted_and_listed_with_their_id() throws IOException {
        var there = refusingTarget();
        CliResult r = migrate("--threads", "2", "--batch", "4").assertExit(4);
        JsonNode s = json(r);
        assertEquals("partial", s.get("outcome").asText());
        assertEquals(15, s.get("copied").asLong());
        assertEquals(15, s.get("failed").asLong());
        assertEquals(10, s.get("refused").size());
        assertTrue(s.at("/refused/0/id").asText().startsWith("u"), s.toString());
        Path list = Path.of(s.get("refused_file").asText());
        List<String> lines = Files.readAllLines(list);
        assertEquals(15, lines.size());
        assertTrue(lines.stream().allMatch(l -> l.startsWith("shop.users\tu") && l.contains("unique index")), lines.toString());
        assertEquals(30, there.countDocuments());
    }

    @Test
    void verify_finds_a_changed_type_and_a_missing_document() throws IOException {
        var users = source.getDatabase("shop").getCollection("users");
        for (int i = 0; i < 40; i++) {
            users.insertOne(new Document("_id", i).append("n", i));
        }
        migrate().assertOk();
        var there = target.getDatabase("shop").getCollection("users");
        there.replaceOne(new Document("_id", 5), new Document("_id", 5).append("n", 5L));
        there.deleteOne(new Document("_id", 9));
        users.insertOne(new Document("_id", 100).append("n", 100)); // so that a --skip-existing run writes something

        for (String mode : List.of("quick", "full")) {
            there.deleteOne(new Document("_id", 100));
            JsonNode s = json(migrate("--skip-existing", "--verify", mode).assertExit(4));
            assertEquals("partial", s.get("outcome").asText());
            String examples = s.at("/verification/examples").toString();
            assertEquals(1, s.at("/verification/mismatches").asLong(), examples);
            assertTrue(examples.contains("_id 5: field n is INT32 on the source, INT64 on the target"), examples);
        }
    }

    @Test
    void a_mismatch_list_that_cannot_be_written_still_leaves_the_summary_and_exit_4() throws IOException {
        var users = source.getDatabase("shop").getCollection("users");
        var there = target.getDatabase("shop").getCollection("users");
        for (int i = 0; i < 20; i++) {
            users.insertOne(new Document("_id", i).append("n", i));
            there.insertOne(new Document("_id", i).append("n", "there before"));
        }
        // the list goes under HOME/migrate when there are more than 10; the checkpoint elsewhere
        Path lists = Files.writeString(home.root().resolve("migrate"), "a file where the lists' folder goes");
        CliResult r = migrate("--skip-existing", "--verify", "full", "--progress", "none",
                "--checkpoint", home.workDir().resolve("job.json").toString()).assertExit(4);
        JsonNode verification = json(r).get("verification");
        assertEquals(20, verification.get("mismatches").asLong(), r.toString());
        assertEquals(10, verification.get("examples").size(), r.toString());
        assertTrue(verification.get("list_file").isNull(), r.toString());
        String notWritten = verification.get("list_error").asText();
        assertTrue(notWritten.startsWith("cannot write mismatch list " + lists.resolve("verify-")), r.toString());
        assertTrue(notWritten.endsWith(".txt: " + lists + " exists and is not a folder"), r.toString());
        assertEquals("a file where the lists' folder goes", Files.readString(lists));
    }

    @Test
    void quick_verify_of_a_collection_no_bigger_than_its_sample_checks_every_document() throws IOException {
        var users = source.getDatabase("shop").getCollection("users");
        List<Document> docs = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            docs.add(new Document("_id", i).append("n", i));
        }
        users.insertMany(docs);
        // the embedded server's $sample sorts by a random key, which Java's sort refused in most runs of this size
        JsonNode s = json(migrate("--verify", "quick").assertOk());
        assertEquals(600, s.at("/verification/checked").asLong(), s.toString());
        assertEquals(0, s.at("/verification/mismatches").asLong(), s.toString());
    }

    @Test
    void dry_run_reports_collections_counts_and_sizes_and_writes_nothing() throws IOException {
        for (int i = 0; i < 25; i++) {
            source.getDatabase("shop").getCollection("users").insertOne(new Document("_id", i).append("pad", "x".repeat(100)));
        }
        JsonNode s = json(migrate("--dry-run").assertOk());
        assertTrue(s.get("dry_run").asBoolean());
        assertEquals(25, s.get("scanned").asLong());
        assertEquals("shop.users", s.at("/collections/0/source").asText());
        assertEquals(25, s.at("/collections/0/estimated_documents").asLong());
        assertTrue(s.get("estimated_bytes").asLong() > 2500, s.toString());
        assertNotNull(s.get("estimated_seconds"));
        assertFalse(target.listDatabaseNames().into(new ArrayList<>()).contains("shop"));
    }

    @Test
    void wrong_ends_and_options_of_the_other_engine_are_refused() {
        CliResult toRedis = home.run("migrate", src.url("shop"), "redis://127.0.0.1:1").assertExit(2);
        assertTrue(toRedis.err().contains("cachectl warm"), toRedis.err());
        CliResult fromRedis = home.run("migrate", "redis://127.0.0.1:1", src.url("shop")).assertExit(2);
        assertTrue(fromRedis.err().contains("warm"), fromRedis.err());
        // by name too: the named instances' engines decide, not how the names are spelled
        home.env().put("REDIS_CACHE_URL", "redis://127.0.0.1:1");
        CliResult toRedisByName = home.run("migrate", "src", "cache").assertExit(2);
        assertTrue(toRedisByName.err().contains("cachectl warm"), toRedisByName.err());
        CliResult fromRedisByName = home.run("migrate", "cache", "dst").assertExit(2);
        assertTrue(fromRedisByName.err().contains("warm"), fromRedisByName.err());
        CliResult redisOption = home.run("migrate", "src", "dst", "--type", "string").assertExit(2);
        assertTrue(redisOption.err().contains("--type does not apply to a MongoDB migrate"), redisOption.err());
        CliResult mongoOption = home.run("migrate", "redis://127.0.0.1:1", "redis://127.0.0.1:2", "--query", "{}").assertExit(2);
        assertTrue(mongoOption.err().contains("--query does not apply to a Redis migrate"), mongoOption.err());
        CliResult noDb = home.run("migrate", src.url("nosuchdb"), dst.url("")).assertExit(2);
        assertTrue(noDb.err().contains("no collection in database nosuchdb there"), noDb.err());
        home.run("migrate", src.url(""), dst.url(""), "--query", "{not json").assertExit(2);
        home.run("migrate", src.url(""), dst.url(""), "--rename", "a.b=c").assertExit(2);
        // mongo-java-server has no authentication: the driver's SCRAM handshake fails as against a wrong password
        CliResult auth = home.run("migrate", "mongodb://u:secret@127.0.0.1:" + src.port() + "/", dst.url("")).assertExit(2);
        assertTrue(auth.err().contains("authentication failed") && !auth.err().contains("secret"), auth.err());
        CliResult down = home.run("migrate", src.url(""), "mongodb://127.0.0.1:1/").assertExit(3);
        assertTrue(down.err().contains("cannot reach mongodb://127.0.0.1:1/"), down.err());
        assertEquals(1, down.err().strip().lines().count(), down.err());
    }

    @Test
    void a_copy_of_a_collection_onto_itself_on_the_same_server_is_refused_with_exit_2() throws IOException {
        source.getDatabase("shop").getCollection("users").insertOne(new Document("_id", "u1"));
        source.getDatabase("crm").getCollection("leads").insertOne(new Document("_id", "l1"));
        String loopbackByName = "mongodb://localhost:" + src.port() + "/";
        List<List<String>> ontoItself = List.of(List.of("src", "src"), List.of(src.url("shop"), loopbackByName + "shop"),
                List.of(src.url("shop.users"), src.url("shop.users")), List.of(src.url(""), loopbackByName, "--dry-run"),
                List.of("src", "src", "--rename", "shop=archive"));
        for (List<String> ends : ontoItself) {
            List<String> args = new ArrayList<>(List.of("migrate"));
            args.addAll(ends);
            CliResult r = home.run(args.toArray(String[]::new)).assertExit(2);
            assertTrue(r.err().contains("source and target are the same server (mongodb://"), ends + ": " + r.err());
            assertTrue(r.err().contains(ends.contains("--rename") ? "copy crm.leads onto itself" : " onto itself; rename with --rename"),
                    ends + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
        CliResult both = home.run("migrate", "src", "src").assertExit(2);
        assertTrue(both.err().contains("copy crm.leads (and 1 more collection) onto itself"), both.err());
        assertEquals(List.of("crm", "shop"), source.listDatabaseNames().into(new ArrayList<>()).stream()
                .filter(db -> !List.of("admin", "local", "config").contains(db)).sorted().toList(), "a refused run wrote");
        // into another database or collection of the same server: a copy like any other
        home.run("migrate", "src", "src", "--rename", "shop=archive", "--rename", "crm.leads=crm.prospects").assertOk();
        home.run("migrate", src.url("shop"), loopbackByName + "shop2").assertOk();
        home.run("migrate", src.url("shop.users"), src.url("shop.people")).assertOk();
        assertEquals(1, source.getDatabase("shop2").getCollection("users").countDocuments());
        assertEquals(1, source.getDatabase("shop").getCollection("people").countDocuments());
        assertEquals(1, source.getDatabase("archive").getCollection("users").countDocuments());
        assertEquals(1, source.getDatabase("crm").getCollection("prospects").countDocuments());
    }

    @Test
    void a_damaged_checkpoint_is_refused() throws IOException {
        Path file = home.workDir().resolve("cp.json");
        Files.writeString(file, "{\"plan\": \"x\"}");
        CliResult r = home.run("migrate", src.url(""), dst.url(""), "--resume", "--checkpoint", "cp.json").assertExit(2);
        assertTrue(r.err().contains("is damaged"), r.err());
    }
}
