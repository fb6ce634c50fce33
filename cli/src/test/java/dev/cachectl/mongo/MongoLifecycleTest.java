package dev.cachectl.mongo;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import dev.cachectl.testing.Await;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import dev.cachectl.testing.Processes;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** start/stop/status of an embedded MongoDB server, launched by cachectl as its own JVM, through the front door. */
class MongoLifecycleTest {
    private static final Duration GONE = Duration.ofSeconds(10);

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void embedded_server_starts_answers_shows_in_status_and_stops_leaving_nothing() {
        CliResult start = home.run("start", "docs", "--engine", "mongo");
        start.assertOk();
        int port = home.port("docs");
        long pid = home.pid("docs");
        assertEquals("mongodb://127.0.0.1:" + port + "/", start.out().trim(), start::toString);
        assertTrue(Processes.commandLine(ProcessHandle.of(pid).orElseThrow()).contains("EmbeddedMongoMain"));
        try (MongoClient client = MongoClients.create(start.out().trim())) {
            client.getDatabase("shop").getCollection("users").insertOne(new Document("name", "ada"));
            assertEquals(1, client.getDatabase("shop").getCollection("users").countDocuments());
        }
        CliResult status = home.run("status", "docs");
        status.assertOk();
        assertTrue(status.out().contains("mongo (embedded)"), status::toString);
        assertTrue(status.out().contains("up"), status::toString);
        // the engine is the running instance's, not the config's (which does not name it): no Redis talk to it
        CliResult analyze = home.run("status", "--analyze", "docs");
        assertTrue(analyze.err().contains("--analyze reads Redis keyspaces; docs is mongo"), analyze::toString);

        home.run("start", "docs").assertOk().err().contains("already running");
        CliResult stop = home.run("stop", "docs");
        stop.assertOk();
        assertTrue(Processes.eventually(GONE, () -> !Processes.alive(pid)), "embedded server still alive");
        assertFalse(home.hasState("docs"));
        assertFalse(Files.exists(home.instanceDir("docs")), "a memory instance keeps no folder");
        assertTrue(Processes.portFree(port));
    }

    @Test
    void persist_keeps_documents_across_stop_and_start() {
        String url = home.run("start", "kept", "--engine", "mongo", "--persist").assertOk().out().trim();
        try (MongoClient client = MongoClients.create(url)) {
            MongoCollection<Document> c = client.getDatabase("shop").getCollection("orders");
            c.insertMany(List.of(new Document("_id", 1).append("total", 9.5), new Document("_id", 2).append("total", 3L)));
        }
        CliResult stop = home.run("stop", "kept");
        stop.assertOk();
        assertTrue(String.join("\n", readLog("kept")).contains("store closed"), "the H2 store was not closed cleanly");
        // a kept instance records its engine: a start naming another is refused, this one binds
        CliResult refused = home.run("start", "kept").assertExit(2);
        assertTrue(refused.err().contains("'kept' keeps the data of a mongo instance: start it with --engine mongo, or "),
                refused.toString());
        String again = home.run("start", "kept", "--engine", "mongo").assertOk().out().trim();
        try (MongoClient client = MongoClients.create(again)) {
            MongoCollection<Document> c = client.getDatabase("shop").getCollection("orders");
            assertEquals(2, c.countDocuments());
            assertEquals(3L, c.find(new Document("_id", 2)).first().get("total"));
        }
        // SIGTERM closes the store too
        long pid = home.pid("kept");
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        assertTrue(Processes.eventually(GONE, () -> !Processes.alive(pid)), "SIGTERM did not end the embedded server");
        assertEquals(2, readLog("kept").stream().filter(l -> l.contains("store closed")).count(), () -> String.join("\n", readLog("kept")));
        home.run("stop", "kept", "--purge").assertOk();
        assertFalse(Files.exists(home.instanceDir("kept")));
    }

    @Test
    void options_that_do_not_apply_are_refused_with_one_line() {
        for (List<String> option : List.of(List.of("--cluster", "3"), List.of("--policy", "allkeys-lru"), List.of("--tls"),
                List.of("--password", "secret"))) {
            List<String> args = new java.util.ArrayList<>(List.of("start", "m", "--engine", "mongo"));
            args.addAll(option);
            CliResult r = home.run(args.toArray(String[]::new));
            r.assertExit(2);
            assertEquals(1, r.err().strip().lines().count(), r::toString);
            assertTrue(r.err().contains(option.get(0)) && r.err().contains("mongo"), r::toString);
            assertFalse(home.hasState("m"));
            assertFalse(Files.exists(home.instanceDir("m")), r::toString);
        }
    }

    @Test
    void a_config_url_names_its_engine_and_a_contradicting_engine_is_refused() throws Exception {
        Files.writeString(home.workDir().resolve("cachectl.yaml"),
                "instances:\n  far:\n    url: mongodb://127.0.0.1:1/shop\n  wrong:\n    engine: redis\n    url: mongodb://127.0.0.1:1/\n");
        CliResult far = home.run("start", "far");
        far.assertExit(3);
        assertTrue(far.err().contains("external") && far.err().contains("mongodb://127.0.0.1:1/shop"), far::toString);
        CliResult wrong = home.run("start", "wrong");
        wrong.assertExit(2);
        assertTrue(wrong.err().contains("is a mongo URL"), wrong::toString);
    }

    @Test
    void a_taken_port_fails_the_start_and_leaves_nothing() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CliResult r = home.run("start", "m", "--engine", "mongo", "--port", Integer.toString(taken.getLocalPort()));
            r.assertExit(1);
            assertTrue(r.err().contains("already in use"), r::toString);
            assertFalse(home.hasState("m"));
            assertFalse(Files.exists(home.instanceDir("m")));
            assertTrue(Processes.eventually(GONE, () -> ProcessHandle.current().descendants()
                    .noneMatch(p -> Processes.commandLine(p).contains("EmbeddedMongoMain"))), "an embedded server was left");
        }
    }

    @Test
    void server_killed_with_sigkill_shows_down_and_stop_cleans_up() {
        home.run("start", "m", "--engine", "mongo").assertOk();
        long pid = home.pid("m");
        Processes.killAndWait(pid);
        CliResult status = home.run("status", "m");
        status.assertExit(3);
        assertTrue(status.out().contains("down"), status::toString);
        CliResult stop = home.run("stop", "m");
        stop.assertOk();
        assertTrue(stop.err().contains("was not running"), stop::toString);
        assertFalse(home.hasState("m"));
    }

    @Test
    void status_shows_the_same_version_while_the_server_is_up_and_after_it_went_down() throws Exception {
        home.run("start", "m", "--engine", "mongo").assertOk();
        String up = dev.cachectl.util.Json.MAPPER.readTree(home.run("status", "m", "--json").assertOk().out())
                .at("/instances/0/version").asText();
        Processes.killAndWait(home.pid("m"));
        String down = dev.cachectl.util.Json.MAPPER.readTree(home.run("status", "m", "--json").assertExit(3).out())
                .at("/instances/0/version").asText();
        assertEquals(up, down, "the version of the server that ran, up or down");
        home.run("stop", "m").assertOk();
    }

    @Test
    void an_embedded_server_whose_heap_is_full_exits_and_shows_down_with_why() {
        String url = home.run("start", "small", "--engine", "mongo", "--maxmemory", "32mb").assertOk().out().trim();
        long pid = home.pid("small");
        String pad = "x".repeat(10_000);
        // bounded: 200 MB at most, into a 32 MB heap
        try (MongoClient client = MongoClients.create(url + "?serverSelectionTimeoutMS=3000&socketTimeoutMS=10000")) {
            MongoCollection<Document> docs = client.getDatabase("d").getCollection("c");
            for (int batch = 0; batch < 200; batch++) {
                List<Document> many = new java.util.ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    many.add(new Document("_id", batch * 100 + i).append("pad", pad));
                }
                docs.insertMany(many);
            }
            throw new AssertionError("200 MB went into a 32 MB heap");
        } catch (com.mongodb.MongoException full) {
            // the server ran out of heap
        }
        Await.until(Duration.ofSeconds(30), () -> "the server whose heap is full still runs (pid " + pid + ")",
                () -> !Processes.alive(pid));
        assertTrue(readLog("small").stream().anyMatch(l -> l.contains("OutOfMemoryError")), readLog("small").toString());
        CliResult status = home.run("status", "small").assertExit(3);
        assertTrue(status.out().contains("down"), status::toString);
        home.run("stop", "small").assertOk();
    }

    private List<String> readLog(String name) {
        try {
            return Files.readAllLines(home.instanceDir(name).resolve("server.log"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
