package dev.cachectl.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cachectl.cli.JsonSchemaTest;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import dev.cachectl.testing.Processes;
import dev.cachectl.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What stop does when it cannot simply ask: names it does not know among ones it does, a state file whose
 * port now leads to another instance's server, and a server that answers nothing.
 */
class StopTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void an_unknown_name_is_reported_and_the_known_one_is_still_stopped_with_exit_4() {
        home.run("start", "ci-cache").assertOk();
        long pid = home.pid("ci-cache");

        CliResult stop = home.run("stop", "ci-cache", "cache-warm", "hot-source").assertExit(4);

        assertTrue(stop.out().contains("stopped ci-cache"), stop.toString());
        assertTrue(Processes.eventually(Duration.ofSeconds(5), () -> !Processes.alive(pid)), "ci-cache still runs");
        assertEquals(1, stop.err().lines().filter(l -> l.contains("no instance 'cache-warm'")).count(), stop.toString());
        assertEquals(1, stop.err().lines().filter(l -> l.contains("no instance 'hot-source'")).count(), stop.toString());
        home.run("stop", "cache-warm", "hot-source").assertExit(2);
    }

    @Test
    void with_json_one_document_lists_the_stopped_name_and_the_unknown_one() throws IOException {
        home.run("start", "a").assertOk();

        JsonNode doc = JsonSchemaTest.valid("stop", home.run("--json", "stop", "a", "nosuch").assertExit(4));

        assertEquals(2, doc.get("instances").size(), doc.toString());
        assertEquals("a", doc.at("/instances/0/name").asText());
        assertEquals("stopped", doc.at("/instances/0/outcome").asText());
        assertEquals("nosuch", doc.at("/instances/1/name").asText());
        assertEquals("failed", doc.at("/instances/1/outcome").asText());
        assertTrue(doc.at("/instances/1/notes/0").asText().contains("no instance 'nosuch'"), doc.toString());
    }

    @Test
    void a_recorded_port_that_now_leads_to_another_instance_leaves_that_instance_and_its_data_alone() throws IOException {
        home.run("start", "se", "sf").assertOk();
        long sePid = home.pid("se");
        int sfPort = home.port("sf");
        try (Jedis sf = new Jedis("127.0.0.1", sfPort)) {
            sf.set("kept", "yes");
        }
        Path state = home.instanceDir("se").resolve("state.json");
        ObjectNode edited = (ObjectNode) Json.MAPPER.readTree(state.toFile());
        edited.put("port", sfPort);
        Files.writeString(state, Json.MAPPER.writeValueAsString(edited));

        CliResult stop = home.run("stop", "se", "--timeout", "10s").assertOk();

        assertTrue(Processes.alive(home.pid("sf")), "sf's server was stopped\n" + stop);
        try (Jedis sf = new Jedis("127.0.0.1", sfPort)) {
            assertEquals("yes", sf.get("kept"), "sf lost its data");
        }
        assertTrue(Processes.eventually(Duration.ofSeconds(5), () -> !Processes.alive(sePid)), "se's own server still runs");
        assertTrue(stop.err().contains("answered for another process"), stop.toString());
    }

    @Test
    void a_server_that_answers_nothing_is_killed_within_the_timeout() {
        home.run("start", "hung").assertOk();
        long pid = home.pid("hung");
        Processes.output("kill", "-STOP", Long.toString(pid));
        try {
            long begin = System.nanoTime();
            CliResult stop = home.run("stop", "hung", "--timeout", "2s").assertOk();
            double seconds = (System.nanoTime() - begin) / 1e9;

            assertTrue(seconds < 3.5, "stop --timeout 2s took " + seconds + " s\n" + stop);
            assertTrue(stop.err().contains("sent SIGKILL"), stop.toString());
            assertTrue(Processes.eventually(Duration.ofSeconds(5), () -> !Processes.alive(pid)), "the server still runs");
        } finally {
            if (Processes.alive(pid)) {
                Processes.output("kill", "-CONT", Long.toString(pid));
                Processes.killAndWait(pid);
            }
        }
    }

    @Test
    void only_unknown_names_is_a_usage_error_and_stops_nothing() {
        home.run("start", "a").assertOk();
        long pid = home.pid("a");

        CliResult stop = home.run("stop", "nosuch", "other").assertExit(2);

        assertTrue(stop.err().contains("no instance 'nosuch'") && stop.err().contains("no instance 'other'"), stop.toString());
        assertTrue(Processes.alive(pid), "a was stopped");
        assertFalse(stop.out().contains("stopped"), stop.toString());
    }

    @Test
    void a_running_instance_whose_definition_was_since_broken_is_still_seen_and_stopped() throws IOException {
        Path config = home.workDir().resolve("cachectl.yaml");
        Files.writeString(config, "instances:\n  edited: { maxmemory: 10mb }\n");
        home.run("start", "edited").assertOk();
        long pid = home.pid("edited");
        Files.writeString(config, "instances:\n  edited: { maxmemory: potato }\n  never: { maxmemory: potato }\n");
        String problem = config + ": instance 'edited': 'potato' is not a size (try 256mb, 1gb, 512kb)"
                + " (going by the state of the running 'edited')";

        CliResult status = home.run("status", "edited").assertOk();
        assertTrue(status.out().contains("edited") && status.out().contains("up"), status.toString());
        assertEquals(problem, status.err().lines().findFirst().orElse(""), status.toString());
        // an instance the home knows nothing of: the definition is all there is, and it is wrong
        home.run("status", "never").assertExit(2);
        home.run("start", "edited").assertExit(2);

        CliResult stop = home.run("stop", "--all").assertOk();
        assertTrue(stop.out().contains("stopped edited (pid " + pid + ")"), stop.toString());
        assertTrue(stop.err().contains(problem), stop.toString());
        assertTrue(Processes.eventually(Duration.ofSeconds(10), () -> !Processes.alive(pid)), "the server is still running");
        assertFalse(home.hasState("edited"));
    }

    @Test
    void an_unknown_name_lists_the_stopped_instances_whose_data_is_kept_too() {
        home.run("start", "kept", "--persist").assertOk();
        home.run("stop", "kept").assertOk();
        home.run("start", "a").assertOk();

        CliResult stop = home.run("stop", "kpet").assertExit(2);

        assertTrue(stop.err().contains("no instance 'kpet'") && stop.err().contains("(known: a, kept)"), stop.toString());
        home.run("stop", "kept", "--purge").assertOk();
    }
}
