package dev.cachectl.redis.copy;

import java.time.Duration;
import dev.cachectl.testing.Await;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CachectlProcess;
import dev.cachectl.testing.CliResult;
import dev.cachectl.testing.Faults;
import dev.cachectl.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Interrupted migrations, run as real processes so they can be killed and signalled. */
class MigrateResumeTest {
    private static final int KEYS = 60_000;

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    private final MigrateTest loader = new MigrateTest();

    private void prepare() {
        home.run("start", "src", "dst").assertOk();
        Faults.loadStrings(home, "src", KEYS);
    }

    /** A slow run (rate-limited) that is well under way: some keys copied and a checkpoint written. */
    private CachectlProcess startSlowRun() throws Exception {
        CachectlProcess run = CachectlProcess.launch(home, "migrate.log", "migrate", "src", "dst", "--rate", "8000",
                "--threads", "2", "--batch", "200", "--scan-count", "200", "--progress", "none");
        try (Jedis dst = new Jedis("127.0.0.1", home.port("dst"))) {
            Await.until(Duration.ofSeconds(30), "migrate made no progress", () -> {
                assertTrue(run.process().isAlive(), () -> "migrate ended early: " + run.log());
                return dst.dbSize() >= 10_000 && checkpoint() != null;
            });
        }
        return run;
    }

    private Path checkpoint() {
        return home.migrateCheckpoint("");
    }

    private void assertSameKeyspace() {
        try (Jedis src = new Jedis("127.0.0.1", home.port("src")); Jedis dst = new Jedis("127.0.0.1", home.port("dst"))) {
            assertEquals(KEYS, dst.dbSize());
            for (int i = 0; i < KEYS; i += 997) {
                assertEquals(src.get("k:" + i), dst.get("k:" + i));
            }
        }
    }

    @Test
    void resumes_after_kill_9_without_losing_keys() throws Exception {
        prepare();
        CachectlProcess run = startSlowRun();
        run.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        long before;
        try (Jedis dst = new Jedis("127.0.0.1", home.port("dst"))) {
            before = dst.dbSize();
        }
        assertTrue(before < KEYS, "the run was not interrupted");
        CliResult resumed = home.run("migrate", "src", "dst", "--resume", "--json").assertOk();
        JsonNode summary = Json.MAPPER.readTree(resumed.out());
        assertTrue(summary.get("resumed").asBoolean());
        assertTrue(summary.get("scanned").asLong() < KEYS, "resume started over: " + resumed);
        assertSameKeyspace();
        assertEquals(null, checkpoint(), "a finished job leaves no checkpoint");
    }

    @Test
    void ctrl_c_saves_a_checkpoint_exits_130_and_resume_finishes() throws Exception {
        prepare();
        CachectlProcess run = startSlowRun();
        run.signal("-INT", true);
        assertTrue(run.process().waitFor(20, TimeUnit.SECONDS), "migrate did not stop on SIGINT");
        assertEquals(130, run.process().exitValue(), run.log());
        assertTrue(run.log().contains("checkpoint saved"), run.log());
        home.run("migrate", "src", "dst", "--resume").assertOk();
        assertSameKeyspace();
    }

    @Test
    void resume_is_refused_when_the_source_restarted() throws Exception {
        prepare();
        CachectlProcess run = startSlowRun();
        run.signal("-TERM", false);
        assertTrue(run.process().waitFor(20, TimeUnit.SECONDS), "migrate did not stop on SIGTERM");
        assertEquals(130, run.process().exitValue(), run.log());
        String port = Integer.toString(home.port("src"));
        home.run("stop", "src").assertOk();
        home.run("start", "src", "--port", port).assertOk();
        CliResult refused = home.run("migrate", "src", "dst", "--resume").assertExit(2);
        assertTrue(refused.err().contains("restarted since the checkpoint"), refused.toString());
    }

    /**
     * Under a low --rate a SIGTERM ends the run within a part of a batch, not a SCAN page's worth of seconds
     * (1000 keys at 20/s once took 50 s), and what was not yet queued is not copied after the signal.
     */
    private void sigtermUnderALowRateEndsPromptly(String reader) throws Exception {
        prepare();
        CachectlProcess run = CachectlProcess.launch(home, "migrate.log", "migrate", "src", "dst", "--reader", reader,
                "--rate", "20", "--progress", "none");
        long atSignal;
        try (Jedis dst = new Jedis("127.0.0.1", home.port("dst"))) {
            Await.until(Duration.ofSeconds(30), () -> "migrate made no progress: " + run.log(), () -> {
                assertTrue(run.process().isAlive(), () -> "migrate ended early: " + run.log());
                return dst.dbSize() >= 20 && checkpoint() != null;
            });
            run.signal("-TERM", false);
            atSignal = dst.dbSize();
            assertEquals(130, run.exitWithin(Duration.ofSeconds(15)), run.log());
            long after = dst.dbSize() - atSignal;
            assertTrue(after <= 50, after + " keys copied after the signal: " + run.log());
        }
        assertTrue(run.log().contains("checkpoint saved"), run.log());
        assertTrue(checkpoint() != null, run.log());
    }

    @Test
    void sigterm_under_a_low_rate_ends_promptly_with_a_checkpoint() throws Exception {
        sigtermUnderALowRateEndsPromptly("scan");
        // the pages it copied in parts left a checkpoint the resume goes on from, without losing a key
        home.run("migrate", "src", "dst", "--resume").assertOk();
        assertSameKeyspace();
    }

    @Test
    void sigterm_under_a_low_rate_ends_a_snapshot_copy_promptly() throws Exception {
        sigtermUnderALowRateEndsPromptly("sync");
    }

    @Test
    void resume_is_refused_when_the_target_restarted_empty() throws Exception {
        prepare();
        CachectlProcess run = startSlowRun();
        String port = Integer.toString(home.port("dst"));
        Faults.kill(home, "dst").inject();
        assertEquals(3, run.exitWithin(Duration.ofSeconds(60)), run.log());
        home.run("stop", "dst");
        home.run("start", "dst", "--port", port).assertOk();
        CliResult refused = home.run("migrate", "src", "dst", "--resume").assertExit(2);
        assertTrue(refused.err().contains("--resume refused: target 127.0.0.1:" + port + " restarted since the checkpoint"),
                refused.toString());
        assertTrue(refused.err().contains("run without --resume to copy everything"), refused.toString());
        assertEquals(1, refused.err().strip().lines().count(), refused.toString());
        try (Jedis dst = new Jedis("127.0.0.1", home.port("dst"))) {
            assertEquals(0, dst.dbSize(), "a refused resume wrote to the target");
        }
    }

    @Test
    void a_checkpoint_without_target_run_ids_still_resumes_and_says_it_could_not_check() throws Exception {
        prepare();
        CachectlProcess run = startSlowRun();
        run.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        Path file = checkpoint();
        Checkpoint saved = Checkpoint.read(file);
        assertEquals(1, saved.targets().size(), saved.toString());
        // as cachectl wrote it before it recorded the target: no targets field, a checksum over the rest
        Checkpoint.of(saved.plan(), saved.job(), saved.streams(), saved.live(), List.of(), saved.totals()).write(file);
        ObjectNode root = (ObjectNode) Json.MAPPER.readTree(file.toFile());
        root.remove("targets");
        Files.write(file, Json.MAPPER.writeValueAsBytes(root));
        CliResult resumed = home.run("migrate", "src", "dst", "--resume", "--json").assertOk();
        String notes = Json.MAPPER.readTree(resumed.out()).get("notes").toString();
        assertTrue(notes.contains("written by an older cachectl, which did not record the target's run id"), resumed.toString());
        assertSameKeyspace();
    }

    @Test
    void resume_into_another_target_url_names_the_checkpoint_of_the_old_one() throws Exception {
        prepare();
        CachectlProcess run = startSlowRun();
        run.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        Path file = checkpoint();
        home.run("start", "other").assertOk();
        CliResult refused = home.run("migrate", "src", "other", "--resume").assertExit(2);
        assertTrue(refused.err().contains("there is one from this source into redis://127.0.0.1:" + home.port("dst")
                + " (" + file + ")"), refused.toString());
        assertEquals(1, refused.err().strip().lines().count(), refused.toString());
    }

    @Test
    void verify_quick_counts_keys_missing_on_the_target_as_a_mismatch() throws Exception {
        prepare();
        CachectlProcess run = startSlowRun();
        run.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        try (Jedis src = new Jedis("127.0.0.1", home.port("src")); Jedis dst = new Jedis("127.0.0.1", home.port("dst"))) {
            // a key of the first SCAN page lies before the checkpoint's cursor: the resume does not copy it again
            String first = src.scan("0", new ScanParams().count(1)).getResult().get(0);
            assertEquals(src.get(first), dst.get(first));
            dst.del(first);
        }
        CliResult resumed = home.run("migrate", "src", "dst", "--resume", "--verify", "quick", "--json").assertExit(4);
        JsonNode verification = Json.MAPPER.readTree(resumed.out()).get("verification");
        assertTrue(verification.get("examples").toString().contains("db0->db0: " + (KEYS - 1) + " keys on the target, "
                + KEYS + " on the source (1 missing)"), resumed.toString());
    }
}
