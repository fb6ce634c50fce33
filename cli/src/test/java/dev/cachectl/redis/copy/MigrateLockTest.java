package dev.cachectl.redis.copy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.cli.JsonSchemaTest;
import dev.cachectl.testing.Await;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CachectlProcess;
import dev.cachectl.testing.CliResult;
import dev.cachectl.testing.Faults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One run of a migrate job at a time: two runs of one job would write one checkpoint, and two live follows
 * would apply every write twice. The first run is a process of its own, as a second terminal's would be.
 */
class MigrateLockTest {
    private static final int KEYS = 20_000;

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    private Jedis redis(String name) {
        return new Jedis("127.0.0.1", home.port(name));
    }

    /** A rate-limited copy of src into dst, well under way: keys on the target and its checkpoint written. */
    private CachectlProcess slowRun() throws Exception {
        home.run("start", "src", "dst").assertOk();
        Faults.loadStrings(home, "src", KEYS);
        CachectlProcess run = CachectlProcess.launch(home, "first.log", "migrate", "src", "dst", "--rate", "2000",
                "--threads", "1", "--batch", "100", "--scan-count", "100", "--progress", "none");
        try (Jedis dst = redis("dst")) {
            Await.until(Duration.ofSeconds(30), () -> "migrate made no progress: " + run.log(), () -> {
                assertTrue(run.process().isAlive(), () -> "migrate ended early: " + run.log());
                return dst.dbSize() >= 1000 && checkpoint() != null;
            });
        }
        return run;
    }

    private Path checkpoint() {
        return home.migrateCheckpoint("");
    }

    private static void assertRefusedBy(CachectlProcess holder, Path checkpoint, CliResult refused) {
        assertEquals(1, refused.err().lines().count(), refused.toString());
        assertTrue(refused.err().contains("another migrate run holds the lock " + checkpoint + ".lock (pid " + holder.pid()
                + ", since "), refused.toString());
    }

    @Test
    void a_second_run_of_the_same_job_is_refused_with_exit_5_and_touches_nothing() throws Exception {
        CachectlProcess first = slowRun();
        try (Jedis dst = redis("dst")) {
            first.signal("-STOP", true); // still holding the lock, but writing nothing while we look
            Path checkpoint = checkpoint();
            byte[] saved = Files.readAllBytes(checkpoint);
            long keys = dst.dbSize();

            assertRefusedBy(first, checkpoint, home.run("migrate", "src", "dst").assertExit(5));
            assertRefusedBy(first, checkpoint, home.run("migrate", "src", "dst", "--resume").assertExit(5));
            JsonNode skipped = JsonSchemaTest.valid("migrate", home.run("--json", "migrate", "src", "dst").assertExit(5));
            assertEquals("skipped", skipped.get("outcome").asText(), skipped.toString());
            assertEquals(0, skipped.get("scanned").asLong(), skipped.toString());
            assertTrue(skipped.get("stopped_because").asText().contains("(pid " + first.pid()), skipped.toString());

            assertEquals(keys, dst.dbSize(), "a refused run wrote to the target");
            assertArrayEquals(saved, Files.readAllBytes(checkpoint), "a refused run wrote the checkpoint");
            // a dry run writes nothing, so it needs no lock
            home.run("migrate", "src", "dst", "--dry-run").assertOk();
        } finally {
            first.signal("-KILL", true);
            first.exitWithin(Duration.ofSeconds(10));
        }
    }

    @Test
    void a_second_run_is_refused_with_exit_5_even_when_the_target_went_down_meanwhile() throws Exception {
        CachectlProcess first = slowRun();
        try {
            first.signal("-STOP", true);
            Path checkpoint = checkpoint();
            ProcessHandle.of(home.pid("dst")).orElseThrow().destroyForcibly();
            Await.until(Duration.ofSeconds(10), "dst did not die", () -> ProcessHandle.of(home.pid("dst")).isEmpty());
            // the lock is taken before either end is contacted: the run is skipped, not failed for a down target
            assertRefusedBy(first, checkpoint, home.run("migrate", "src", "dst").assertExit(5));
        } finally {
            first.signal("-KILL", true);
            first.exitWithin(Duration.ofSeconds(10));
        }
        // without the holder, the same run finds the target down
        assertTrue(home.run("migrate", "src", "dst").assertExit(3).err().contains("'dst' is not running"));
    }

    @Test
    void a_run_of_another_job_goes_while_the_first_runs() throws Exception {
        CachectlProcess first = slowRun();
        try {
            home.run("start", "other").assertOk();
            home.run("migrate", "src", "other").assertOk();
            try (Jedis other = redis("other")) {
                assertEquals(KEYS, other.dbSize());
            }
            // the same checkpoint is the same job, whatever the target
            Path checkpoint = checkpoint();
            try (Jedis other = redis("other")) {
                other.flushAll();
                assertRefusedBy(first, checkpoint, home.run("migrate", "src", "other", "--checkpoint", checkpoint.toString())
                        .assertExit(5));
                assertEquals(0, other.dbSize(), "a refused run wrote to its target");
            }
            assertTrue(first.process().isAlive(), first.log());
        } finally {
            first.signal("-KILL", true);
            first.exitWithin(Duration.ofSeconds(10));
        }
    }

    @Test
    void after_kill_9_of_the_first_run_the_next_one_goes() throws Exception {
        CachectlProcess first = slowRun();
        Path lock = Path.of(checkpoint() + ".lock");
        first.signal("-KILL", true);
        first.exitWithin(Duration.ofSeconds(10));
        assertTrue(Files.exists(lock), "the lock file stays behind, as after any kill -9");

        home.run("migrate", "src", "dst", "--resume").assertOk();
        try (Jedis dst = redis("dst")) {
            assertEquals(KEYS, dst.dbSize());
        }
        assertEquals(null, checkpoint(), "a finished job leaves no checkpoint");
        assertFalse(Files.exists(lock), "a run that ends removes its lock file");
    }

    @Test
    void a_second_live_follow_of_the_same_job_is_refused_so_no_write_is_applied_twice() throws Exception {
        home.run("start", "src", "dst").assertOk();
        try (Jedis src = redis("src"); Jedis dst = redis("dst")) {
            src.configSet("repl-diskless-sync-delay", "0");
            src.set("counter", "0");
            CachectlProcess first = CachectlProcess.launch(home, "first.log", "migrate", "src", "dst", "--live");
            try {
                Await.until(Duration.ofSeconds(30), () -> "the follow never started: " + first.log(), () -> {
                    Path checkpoint = checkpoint();
                    return src.info("replication").contains("slave0:") && checkpoint != null
                            && Files.readString(checkpoint).contains("replication_id");
                });

                CliResult second = home.run("migrate", "src", "dst", "--live", "--until", "caught-up", "--settle", "300ms")
                        .assertExit(5);
                assertRefusedBy(first, checkpoint(), second);
                // another job of the pair (other filters, its own checkpoint) that follows too would apply the writes
                // of the keys both select twice: refused; one that only copies goes
                CliResult overlapping = home.run("migrate", "src", "dst", "--live", "--match", "c*", "--until", "caught-up")
                        .assertExit(5);
                assertEquals(1, overlapping.err().lines().count(), overlapping.toString());
                assertTrue(overlapping.err().matches("(?s)cachectl: another migrate --live from 127\\.0\\.0\\.1:" + home.port("src")
                        + " to 127\\.0\\.0\\.1:" + home.port("dst") + " holds the lock \\S+/migrate/live-[0-9a-f]{16}\\.lock \\(pid "
                        + first.pid() + ", since .*"), overlapping.toString());
                home.run("migrate", "src", "dst", "--match", "c*").assertOk();

                for (int i = 0; i < 50; i++) {
                    src.incr("counter");
                    src.rpush("list", "e" + i);
                    Transaction tx = src.multi();
                    tx.hincrBy("hash", "f", 2);
                    tx.exec();
                }
                Await.until(Duration.ofSeconds(30), "the follow applying the writes", () -> "50".equals(dst.get("counter")));
                first.signal("-INT", true);
                assertEquals(130, first.exitWithin(Duration.ofSeconds(30)), first.log());
                assertEquals("50", dst.get("counter"));
                assertEquals(src.lrange("list", 0, -1), dst.lrange("list", 0, -1));
                assertEquals("100", dst.hget("hash", "f"));
            } finally {
                if (first.process().isAlive()) {
                    first.signal("-KILL", true);
                }
            }
        }
    }
}
