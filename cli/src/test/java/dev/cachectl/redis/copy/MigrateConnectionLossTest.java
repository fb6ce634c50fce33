package dev.cachectl.redis.copy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.testing.Await;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CachectlProcess;
import dev.cachectl.testing.CliResult;
import dev.cachectl.testing.Faults;
import dev.cachectl.testing.Processes;
import dev.cachectl.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server that dies in the middle of a SCAN copy, or a cluster node that stops answering, is named,
 * with what happened, never as a Java exception (the stack trace only with --verbose).
 */
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

    @Test
    void with_verbose_the_error_that_stopped_the_copy_is_shown_with_its_stack_trace() throws Exception {
        home.run("start", "src", "dst").assertOk();
        Faults.loadStrings(home, "src", KEYS);
        CliResult result = Faults.during(home, "dst", 500, Faults.kill(home, "dst"), "--verbose", "migrate", "src", "dst",
                "--reader", "scan", "--rate", "2000", "--batch", "100", "--scan-count", "100", "--progress", "none");

        assertEquals(3, result.exitCode(), result.toString());
        assertTrue(result.err().contains("lost the connection to target redis://127.0.0.1:" + home.port("dst")), result.toString());
        assertTrue(Pattern.compile("^\\s+at redis\\.clients\\.jedis\\.", Pattern.MULTILINE).matcher(result.err()).find(),
                result.toString());
    }

    /**
     * SIGSTOP: the node's port still accepts connections, but nothing answers. The copy waits out the
     * target's timeout (--timeout 3s, not the default 30 s), as for a standalone target, and names the node
     * and the timeout; what the target acknowledged is in the checkpoint, from which --resume (with the
     * default timeout: it is no part of the job) finishes once the node answers again.
     */
    @Test
    void a_cluster_target_node_that_stops_answering_is_named_after_the_timeout_and_resume_finishes() throws Exception {
        home.run("start", "src").assertOk();
        home.run("start", "shard", "--cluster", "3").assertOk();
        Faults.loadStrings(home, "src", KEYS);
        JsonNode victim = home.state("shard").get("nodes").get(1);
        int port = victim.get("port").asInt();
        long pid = victim.get("pid").asLong();
        CompletableFuture<CliResult> run = CompletableFuture.supplyAsync(() -> home.run("migrate", "src", "shard",
                "--reader", "scan", "--rate", "2000", "--batch", "100", "--scan-count", "100", "--progress", "none",
                "--timeout", "3s"));
        long stopped;
        CliResult result;
        try {
            try (Jedis node = new Jedis("127.0.0.1", port)) {
                Await.until(Duration.ofSeconds(30), () -> "no key reached the node: " + (run.isDone() ? run.join() : ""), () -> {
                    assertFalse(run.isDone(), () -> "migrate ended before the fault: " + run.join());
                    return node.dbSize() >= 100;
                });
            }
            Processes.output("kill", "-STOP", Long.toString(pid));
            stopped = System.nanoTime();
            result = run.get(60, TimeUnit.SECONDS);
        } finally {
            Processes.output("kill", "-CONT", Long.toString(pid));
        }
        double seconds = (System.nanoTime() - stopped) / 1e9;

        assertEquals(3, result.exitCode(), result.toString());
        assertTrue(result.err().contains("lost the connection to target node redis://127.0.0.1:" + port + ": no reply within 3s"),
                result.toString());
        assertTrue(result.err().contains("checkpoint saved: "), result.toString());
        assertFalse(JAVA.matcher(result.err()).find(), result.toString());
        // the 3 s timeout once, as a standalone target gets, with room for a loaded machine; the default 30 s would not fit
        assertTrue(seconds < 20, "the copy ended " + seconds + " s after the node stopped answering\n" + result);

        home.run("migrate", "src", "shard", "--resume", "--progress", "none").assertOk();
        long total = 0;
        for (JsonNode node : home.state("shard").get("nodes")) {
            try (Jedis jedis = new Jedis("127.0.0.1", node.get("port").asInt())) {
                total += jedis.dbSize();
            }
        }
        assertEquals(KEYS, total);
    }

    /**
     * Key by key (--mode struct) through the cluster client into a node that answers no more: exit 3 naming the node,
     * with no timeout spent on deleting the temporary key of the key it was writing there. The cluster client may still
     * wait out a second timeout on the connection its pool makes to replace the broken one. With --timeout 3s.
     */
    @Test
    void a_copy_by_type_into_a_cluster_node_that_answers_no_more_ends_naming_it() throws Exception {
        home.run("start", "src").assertOk();
        home.run("start", "shard", "--cluster", "3").assertOk();
        Faults.loadStrings(home, "src", 100);
        JsonNode victim = home.state("shard").get("nodes").get(1);
        int port = victim.get("port").asInt();
        long pid = victim.get("pid").asLong();
        List<String> seeds = new ArrayList<>();
        for (JsonNode node : home.state("shard").get("nodes")) {
            if (node.get("port").asInt() != port) {
                seeds.add("127.0.0.1:" + node.get("port").asInt());
            }
        }
        CliResult result;
        double seconds;
        Processes.output("kill", "-STOP", Long.toString(pid));
        try {
            // once the others count it failed, the run's checks leave it out and the copy meets it key by key
            try (Jedis other = new Jedis("127.0.0.1", Integer.parseInt(seeds.get(0).substring(10)))) {
                Await.until(Duration.ofSeconds(30), "the cluster did not mark the node failed", () -> other.clusterNodes().lines()
                        .anyMatch(l -> l.contains(":" + port + "@") && l.contains("fail") && !l.contains("fail?")));
            }
            long started = System.nanoTime();
            result = home.run("migrate", "src", "redis+cluster://" + String.join(",", seeds), "--reader", "scan",
                    "--mode", "struct", "--threads", "1", "--progress", "none", "--timeout", "3s");
            seconds = (System.nanoTime() - started) / 1e9;
        } finally {
            Processes.output("kill", "-CONT", Long.toString(pid));
        }
        assertEquals(3, result.exitCode(), result.toString());
        assertTrue(result.err().contains("lost the connection to target node redis://127.0.0.1:" + port + ": no reply within 3s"),
                result.toString());
        // at most the 3 s timeout twice (the pool's replacement connection), never a third for the clean-up, with room
        // for a loaded machine; the default 30 s would not fit
        assertTrue(seconds < 20, "the run ended after " + seconds + " s\n" + result);
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
