package dev.cachectl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import dev.cachectl.Cachectl;
import dev.cachectl.CachectlException;
import dev.cachectl.Environment;
import dev.cachectl.ExitCode;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import dev.cachectl.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static dev.cachectl.cli.JsonSchemaTest.valid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With {@code --json}, stdout holds one JSON document however a command ends: a run that fails before
 * its command printed a document prints the failure document of docs/schema/error.schema.json, with
 * the line stderr shows; a command that printed its own gets no second one.
 */
public class JsonFailureTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void a_usage_error_prints_the_failure_document() throws IOException {
        CliResult typo = home.run("stop", "--json", "--purg").assertExit(2);
        JsonNode doc = failure(typo, 2);
        assertEquals("unknown option '--purg'", doc.get("error").asText());
        assertEquals("Did you mean '--purge'?", doc.at("/details/0").asText(), typo.toString());
        assertTrue(typo.err().startsWith("cachectl: unknown option '--purg'\n  Did you mean '--purge'?\n"), typo.toString());

        // --json after the unknown option: picocli never parsed it, the front door still sees it
        failure(home.run("status", "--bogus", "--json").assertExit(2), 2);
        assertEquals("", home.run("stop", "--purg").assertExit(2).out(), "no document without --json");
    }

    @Test
    void json_without_a_command_is_a_usage_error_document_not_the_help_text() throws IOException {
        CliResult none = home.run("--json").assertExit(2);
        JsonNode doc = failure(none, 2);
        assertTrue(doc.get("error").asText().startsWith("no command given"), none.toString());
        assertTrue(none.err().startsWith("cachectl: no command given"), none.toString());
        // without --json, the help text as before
        assertTrue(home.run().assertOk().out().startsWith("Usage: cachectl"));
    }

    @Test
    void a_down_target_and_a_wrong_password_print_the_failure_document() throws IOException {
        Files.writeString(home.workDir().resolve("users.jsonl"), "{\"id\":1}\n");
        CliResult down = home.run("--json", "warm", "users.jsonl", "--to", "redis://127.0.0.1:1", "--key", "u:{id}").assertExit(3);
        JsonNode doc = failure(down, 3);
        assertTrue(down.err().startsWith("cachectl: " + doc.get("error").asText() + "\n"), down.toString());

        home.run("start", "locked", "--password", "s3cret").assertOk();
        int port = home.port("locked");
        CliResult refused = home.run("--json", "warm", "users.jsonl", "--to", "redis://:wrong@127.0.0.1:" + port, "--key", "u:{id}")
                .assertExit(2);
        failure(refused, 2);
        home.run("stop", "locked").assertOk();
    }

    @Test
    void stop_lists_a_lone_unknown_name_as_it_lists_two() throws IOException {
        JsonNode one = valid("stop", single(home.run("--json", "stop", "ghost1").assertExit(2)));
        assertEquals("failed", one.at("/instances/0/outcome").asText());
        assertTrue(one.at("/instances/0/notes/0").asText().contains("no instance 'ghost1'"), one.toString());
        JsonNode two = valid("stop", single(home.run("--json", "stop", "ghost1", "ghost2").assertExit(2)));
        assertEquals(2, two.get("instances").size());
        assertEquals("", home.run("stop", "ghost1").assertExit(2).out());
    }

    @Test
    void a_command_that_printed_its_document_gets_no_second_one() throws IOException {
        Files.writeString(home.workDir().resolve("users.jsonl"), "{\"id\":1}\nnot json\n");
        home.run("start", "a").assertOk();
        valid("warm", single(home.run("--json", "warm", "users.jsonl", "--to", "a", "--key", "u:{id}").assertExit(4)));
        home.run("stop", "a").assertOk();

        // a failure that escapes a command after its document (none does today): the document stays the only one
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Cachectl.commandLine(new Environment(home.env(), home.workDir()), Ansi.OFF, "printsthenfails");
        cli.addSubcommand("printsthenfails", new PrintsThenFails());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        CliResult result = new CliResult(cli.execute("--json", "printsthenfails"), out.toString(), err.toString()).assertExit(3);
        assertEquals("printed", Json.MAPPER.readTree(single(result).out()).get("outcome").asText());
        assertEquals("cachectl: down after the document\n", result.err());
    }

    @Command(name = "printsthenfails")
    static final class PrintsThenFails implements Callable<Integer> {
        @ParentCommand
        CachectlCommand top;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            new Output(spec.commandLine(), top).printJson(Map.of("outcome", "printed"));
            throw new CachectlException(ExitCode.DOWN, "down after the document");
        }
    }

    /** The run's failure document, valid, with its exit code, outcome and the stderr line. */
    private static JsonNode failure(CliResult result, int exitCode) throws IOException {
        JsonNode doc = valid("error", single(result));
        assertEquals(exitCode, doc.get("exit_code").asInt(), result.toString());
        assertEquals("failed", doc.get("outcome").asText(), result.toString());
        String line = result.err().lines().findFirst().orElseThrow();
        assertEquals("cachectl: " + doc.get("error").asText(), line, result.toString());
        return doc;
    }

    /** The result, after checking that its stdout holds exactly one JSON document. */
    private static CliResult single(CliResult result) throws IOException {
        try (MappingIterator<JsonNode> docs = Json.MAPPER.readerFor(JsonNode.class).readValues(result.out())) {
            List<JsonNode> all = docs.readAll();
            assertEquals(1, all.size(), () -> "one JSON document on stdout\n" + result);
        }
        return result;
    }
}
