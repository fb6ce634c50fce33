package dev.cachectl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import dev.cachectl.testing.Repo;
import dev.cachectl.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every command's {@code --json} document, produced against real servers, matches its schema in
 * {@code docs/schema/}: the field names and the one lower-case outcome vocabulary are a contract.
 */
public class JsonSchemaTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void start_status_and_stop_match_their_schemas() throws IOException {
        // persisted, so that 'a' stays known after its stop (its data is kept) and a second stop is not_running
        JsonNode started = valid("start", home.run("--json", "start", "a", "--persist").assertOk());
        assertEquals("started", started.at("/instances/0/outcome").asText());
        JsonNode again = valid("start", home.run("--json", "start", "a").assertOk());
        assertEquals("already_running", again.at("/instances/0/outcome").asText());
        valid("start", home.run("--json", "start", "redis://127.0.0.1:" + home.port("a")).assertOk());

        home.run("start", "c", "--cluster", "3").assertOk();
        valid("status", home.run("--json", "status", "a", "c").assertOk());
        JsonNode down = valid("status", home.run("--json", "status", "redis://127.0.0.1:1").assertExit(3));
        assertFalse(down.at("/instances/0/up").asBoolean());

        JsonNode stopped = valid("stop", home.run("--json", "stop", "a", "c").assertOk());
        assertEquals("stopped", stopped.at("/instances/0/outcome").asText());
        JsonNode notRunning = valid("stop", home.run("--json", "stop", "a").assertOk());
        assertEquals("not_running", notRunning.at("/instances/0/outcome").asText());
    }

    @Test
    void warm_and_migrate_match_their_schemas() throws IOException {
        home.run("start", "a").assertOk();
        home.run("start", "b").assertOk();
        Files.writeString(home.workDir().resolve("users.jsonl"), "{\"id\":1,\"n\":\"x\"}\n{\"id\":2,\"n\":\"y\"}\nnot json\n");
        JsonNode partial = valid("warm", home.run("--json", "warm", "users.jsonl", "--to", "a", "--key", "u:{id}").assertExit(4));
        assertEquals("partial", partial.get("outcome").asText());
        Files.writeString(home.workDir().resolve("ok.jsonl"), "{\"id\":3}\n");
        JsonNode completed = valid("warm", home.run("--json", "warm", "ok.jsonl", "--to", "a", "--key", "u:{id}").assertOk());
        assertEquals("completed", completed.get("outcome").asText());

        valid("migrate", home.run("--json", "migrate", "a", "b", "--dry-run").assertOk());
        JsonNode copied = valid("migrate", home.run("--json", "migrate", "a", "b", "--verify", "quick").assertOk());
        assertEquals("completed", copied.get("outcome").asText());
        assertEquals(3, copied.get("copied").asLong());
    }

    @Test
    void version_with_json_prints_what_the_text_says_as_a_document() throws IOException {
        JsonNode version = valid("version", home.run("--version", "--json").assertOk());
        assertEquals("cachectl " + version.get("version").asText() + "\n", home.run("--version").assertOk().out());
        assertEquals(version, valid("version", home.run("--json", "-V").assertOk()));
    }

    @Test
    void a_document_outside_the_contract_is_refused() throws IOException {
        ObjectNode doc = (ObjectNode) valid("start", home.run("--json", "start", "a").assertOk());
        ((ObjectNode) doc.at("/instances/0")).put("outcome", "STARTED");
        assertFalse(schema("start").validate(doc).isEmpty(), "an upper-case outcome must not validate");
        ((ObjectNode) doc.at("/instances/0")).put("outcome", "started").remove("url");
        assertFalse(schema("start").validate(doc).isEmpty(), "a missing field must not validate");
    }

    public static JsonNode valid(String command, CliResult result) throws IOException {
        JsonNode doc = Json.MAPPER.readTree(result.out());
        Set<ValidationMessage> errors = schema(command).validate(doc);
        assertTrue(errors.isEmpty(), () -> command + " --json does not match docs/schema/" + command + ".schema.json: "
                + errors + "\n" + result);
        return doc;
    }

    static JsonSchema schema(String command) throws IOException {
        try (InputStream in = Files.newInputStream(Repo.root().resolve("docs/schema/" + command + ".schema.json"))) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        }
    }
}
