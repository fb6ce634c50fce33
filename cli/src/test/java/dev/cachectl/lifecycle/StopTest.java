package dev.cachectl.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.cli.JsonSchemaTest;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import dev.cachectl.testing.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What stop does when it cannot simply ask: names it does not know among ones it does. */
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
    void only_unknown_names_is_a_usage_error_and_stops_nothing() {
        home.run("start", "a").assertOk();
        long pid = home.pid("a");

        CliResult stop = home.run("stop", "nosuch", "other").assertExit(2);

        assertTrue(stop.err().contains("no instance 'nosuch'") && stop.err().contains("no instance 'other'"), stop.toString());
        assertTrue(Processes.alive(pid), "a was stopped");
        assertFalse(stop.out().contains("stopped"), stop.toString());
    }
}
