package dev.cachectl.mongo;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.cachectl.testing.Await;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import dev.cachectl.testing.Processes;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A mongo instance with `run` (MONGODB_URL, MONGODB_<NAME>_URL; external ones left alone) and under an idle timeout. */
class MongoRunIdleTest {
    private static final Duration LIMIT = Duration.ofSeconds(20);

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void run_exports_mongodb_and_redis_urls_and_stops_the_mongo_it_started() throws Exception {
        Files.writeString(home.workDir().resolve("cachectl.yaml"), "instances:\n  docs:\n    engine: mongo\n");
        CliResult run = home.run("run", "--with", "cache", "--with", "docs", "--", "sh", "-c",
                "printf '%s\\n' \"$REDIS_URL\" \"$REDIS_CACHE_URL\" \"$MONGODB_URL\" \"$MONGODB_DOCS_URL\" \"$REDIS_DOCS_URL\" > out.txt");
        run.assertOk();
        List<String> vars = Files.readAllLines(home.workDir().resolve("out.txt"));
        assertTrue(vars.get(0).matches("redis://127\\.0\\.0\\.1:\\d+"), vars::toString);
        assertEquals(vars.get(0), vars.get(1));
        assertTrue(vars.get(2).matches("mongodb://127\\.0\\.0\\.1:\\d+/"), vars::toString);
        assertEquals(vars.get(2), vars.get(3));
        assertEquals("", vars.get(4), "a mongo instance is not exported as a Redis one");
        assertFalse(home.hasState("docs"), "run left the mongo instance it started");
        assertTrue(Processes.portFree(java.net.URI.create(vars.get(2)).getPort()));
    }

    @Test
    void an_external_mongo_from_the_environment_is_used_but_never_stopped() {
        String url = home.run("start", "real", "--engine", "mongo").assertOk().out().trim();
        long pid = home.pid("real");
        home.env().put("MONGODB_OUTSIDE_URL", url);
        home.run("run", "--with", "outside", "--", "sh", "-c", "test \"$MONGODB_URL\" = '" + url + "'").assertOk();
        CliResult start = home.run("start", "outside");
        start.assertOk();
        assertTrue(start.err().contains("external"), start::toString);
        assertTrue(Processes.alive(pid), "an external instance was stopped");
        assertFalse(home.hasState("outside"));
    }

    @Test
    void idle_mongo_is_stopped_while_a_busy_one_keeps_running() throws Exception {
        String busyUrl = home.run("start", "busy", "--engine", "mongo", "--idle-timeout", "3s").assertOk().out().trim();
        long busyPid = home.pid("busy");
        AtomicBoolean done = new AtomicBoolean();
        Thread client = new Thread(() -> {
            try (MongoClient c = MongoClients.create(busyUrl)) {
                for (int i = 0; !done.get(); i++) {
                    c.getDatabase("app").getCollection("ticks").insertOne(new Document("i", i));
                    Thread.sleep(300); // a client operation every 300 ms, well inside the timeout
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "busy-mongo-client");
        client.start();
        home.run("start", "idle", "--engine", "mongo", "--idle-timeout", "2s").assertOk();
        long idlePid = home.pid("idle");
        try {
            assertTrue(Processes.eventually(LIMIT, () -> !home.hasState("idle") && !Processes.alive(idlePid)),
                    () -> "idle mongo still running:\n" + supervisorLog());
            // status probes the busy one too: they must not be what keeps it alive, its client is
            home.run("status", "busy").assertOk();
            Await.holdsFor(Duration.ofMillis(3500), () -> "busy mongo was stopped:\n" + supervisorLog(),
                    () -> home.hasState("busy") && Processes.alive(busyPid));
        } finally {
            done.set(true);
            client.join(5000);
        }
    }

    private String supervisorLog() {
        try {
            return Files.readString(home.root().resolve("supervisor.log"));
        } catch (java.io.IOException e) {
            return "(no supervisor log)";
        }
    }
}
