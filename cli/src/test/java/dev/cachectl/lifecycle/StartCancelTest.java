package dev.cachectl.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.Cachectl;
import dev.cachectl.Cancellation;
import dev.cachectl.Environment;
import dev.cachectl.testing.Await;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CachectlProcess;
import dev.cachectl.testing.FakeRedisServer;
import dev.cachectl.testing.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A start stopped through the run's cancellation token (what Ctrl-C and SIGTERM request), while its servers are
 * launched and not yet answering: exit 130, every server it launched stopped, no state file, no folder. The
 * servers here never answer (a stand-in redis-server that only sleeps), so the request always comes mid-start.
 */
class StartCancelTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void a_standalone_start_cancelled_through_the_token_stops_its_server_and_leaves_no_state() throws Exception {
        cancelMidStart("single", List.of(), 1);
    }

    @Test
    void a_cluster_start_cancelled_through_the_token_stops_every_node_and_leaves_no_state() throws Exception {
        cancelMidStart("c", List.of("--cluster", "3"), 3);
    }

    @Test
    void ctrl_c_twice_during_a_start_still_stops_what_it_launched() throws Exception {
        Path silent = silentServer();
        CachectlProcess start = CachectlProcess.launch(home, "start.log", "start", "twice", "--binary", silent.toString(),
                "--wait", "60s");
        try {
            Await.until(Duration.ofSeconds(30), start::log, () -> launched("twice").size() == 1);
            long pid = launched("twice").get(0);
            start.signal("-INT", false);
            start.signal("-INT", false);

            assertEquals(130, start.exitWithin(Duration.ofSeconds(30)), start.log());
            assertFalse(Processes.alive(pid), "server " + pid + " left running: " + start.log());
            assertFalse(home.hasState("twice"), "state file left: " + start.log());
            assertFalse(Files.exists(home.instanceDir("twice")), "instance folder left: " + start.log());
        } finally {
            start.process().destroyForcibly();
        }
    }

    private void cancelMidStart(String name, List<String> options, int servers) throws Exception {
        Path silent = silentServer();
        AtomicReference<Cancellation> token = new AtomicReference<>();
        // the token as the front door hands it to the signal handlers: here the test requests it
        Cancellation.Source source = t -> {
            token.set(t);
            return () -> { };
        };
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> args = new ArrayList<>(List.of("start", name, "--binary", silent.toString(), "--wait", "60s"));
        args.addAll(options);
        CompletableFuture<Integer> start = CompletableFuture.supplyAsync(() -> Cachectl.run(new PrintWriter(out),
                new PrintWriter(err), new Environment(Map.copyOf(home.env()), home.workDir(), InputStream.nullInputStream(),
                        false, source), args.toArray(String[]::new)));

        Await.until(Duration.ofSeconds(20), () -> "servers launched: " + err,
                () -> token.get() != null && launched(name).size() == servers);
        List<Long> pids = launched(name);
        assertEquals(Cancellation.Request.FIRST, token.get().signal("TERM"));

        int code = start.get(30, TimeUnit.SECONDS);
        assertEquals(130, code, err.toString());
        assertTrue(err.toString().contains("start interrupted; the servers it had launched were stopped"), err.toString());
        for (long pid : pids) {
            assertFalse(Processes.alive(pid), "server " + pid + " left running: " + err);
        }
        assertFalse(home.hasState(name), "state file left: " + err);
        assertFalse(Files.exists(home.instanceDir(name)), "instance folder left: " + err);
    }

    /** The pids the state file lists, once it does: the standalone server's, or every node's. */
    private List<Long> launched(String name) {
        if (!home.hasState(name)) {
            return List.of();
        }
        JsonNode state = home.state(name);
        List<Long> pids = new ArrayList<>();
        if (state.path("nodes").isArray() && !state.path("nodes").isEmpty()) {
            state.path("nodes").forEach(n -> pids.add(n.path("pid").asLong()));
        } else if (state.path("pid").asLong() > 0) {
            pids.add(state.path("pid").asLong());
        }
        return pids;
    }

    /** A redis-server that says its version and then never answers. */
    private Path silentServer() throws IOException {
        return FakeRedisServer.in(home.workDir(), "exec sleep 120\n");
    }
}
