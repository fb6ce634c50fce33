package dev.cachectl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.testing.CachectlHome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code bench --json} matches docs/schema/bench.schema.json, closed loop and open loop. */
class BenchJsonSchemaTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void bench_matches_its_schema() throws IOException {
        home.run("start", "a").assertOk();
        JsonNode closed = JsonSchemaTest.valid("bench", home.run("--json", "bench", "a", "--requests", "500", "--keys", "100",
                "--cleanup").assertOk());
        assertEquals("completed", closed.get("outcome").asText());
        JsonNode open = JsonSchemaTest.valid("bench", home.run("--json", "bench", "a", "--rate", "2000", "--requests", "300",
                "--data-size-range", "10-200", "--key-pattern", "zipf", "--cleanup").assertOk());
        assertEquals(300, open.at("/overall/count").asLong());
    }
}
