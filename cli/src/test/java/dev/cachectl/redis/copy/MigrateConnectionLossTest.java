package dev.cachectl.redis.copy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.testing.Await;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CachectlProcess;
import dev.cachectl.testing.CliResult;
import dev.cachectl.testing.Faults;
import dev.cachectl.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import java.time.Duration;

import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A server that dies in the middle of a SCAN copy is named, with what happened, never as a Java exception. */
class MigrateConnectionLossTest {
    private static final int KEYS = 20_000;
    private static final Pattern JAVA = Pattern.compile("java\\.|Exception|jedis", Pattern.CASE_INSENSITIVE);

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    /** Starts a slow copy, kills {@code victim} once keys are arriving, and returns how the copy ended. */
    private CliResult killDuringCopy(String victim) throws Exception {
        home.run("start", "src", "dst").assertOk();
        Faults.loadStrings(home, "src", KEYS);
        return Faults.during(home, "dst", 500, Faults.kill(home, victim), "migrate", "src", "dst",
                "--reader", "scan", "--rate", "2000", "--batch", "100", "--scan-count", "100", "--json");
    }

    private void assertNamed(CliResult result, String role, String name) throws Exception {
        String url = "redis://127.0.0.1:" + home.port(name);
        String expected = "lost the connection to " + role + " " + url + ": ";
        assertEquals(3, result.exitCode(), result.toString());
        assertTrue(result.err().contains(expected), result.toString());
        assertFalse(JAVA.matcher(result.err()).find(), result.toString());
        JsonNode summary = Json.MAPPER.readTree(result.out());
        String because = summary.get("stopped_because").asText();
        assertTrue(because.startsWith(expected), because);
        assertFalse(JAVA.matcher(because).find(), because);
    }

    @Test
    void a_source_killed_mid_scan_copy_is_named_with_what_happened() throws Exception {
        CliResult result = killDuringCopy("src");
        assertNamed(result, "source", "src");
    }

    @Test
    void a_target_killed_mid_scan_copy_is_named_with_what_happened() throws Exception {
        CliResult result = killDuringCopy("dst");
        assertNamed(result, "target", "dst");
    }

    /**
     * In a process of its own, where a stack trace printed by a dying worker thread would reach stderr: the
     * writers close their sessions on a connection already lost, which must not throw out of the thread.
     */
    private String killDuringCopyInProcess(String victim) throws Exception {
        home.run("start", "src", "dst").assertOk();
        Faults.loadStrings(home, "src", KEYS);
        CachectlProcess run = CachectlProcess.launch(home, "migrate.log", "migrate", "src", "dst", "--reader", "scan",
                "--rate", "2000", "--threads", "4", "--batch", "100", "--scan-count", "100", "--progress", "none");
        try (Jedis dst = new Jedis("127.0.0.1", home.port("dst"))) {
            Await.until(Duration.ofSeconds(30), () -> "migrate made no progress: " + run.log(), () -> {
                assertTrue(run.process().isAlive(), () -> "migrate ended early: " + run.log());
                return dst.dbSize() >= 500;
            });
        }
        Faults.kill(home, victim).inject();
        assertEquals(3, run.exitWithin(Duration.ofSeconds(60)), run.log());
        return run.log();
    }

    private static void assertNoStackTrace(String log) {
        assertFalse(log.contains("Exception in thread"), log);
        assertFalse(Pattern.compile("^\\s+at ", Pattern.MULTILINE).matcher(log).find(), log);
    }

    @Test
    void a_target_killed_mid_copy_leaves_no_stack_trace_on_stderr() throws Exception {
        String log = killDuringCopyInProcess("dst");
        assertTrue(log.contains("lost the connection to target"), log);
        assertNoStackTrace(log);
    }

    @Test
    void a_source_killed_mid_copy_leaves_no_stack_trace_on_stderr() throws Exception {
        String log = killDuringCopyInProcess("src");
        assertTrue(log.contains("lost the connection to source"), log);
        assertNoStackTrace(log);
    }
}
