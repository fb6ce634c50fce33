package dev.cachectl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.testing.CliResult;

import java.io.IOException;

/** {@link JsonSchemaTest}'s check, for bench tests in other packages. */
public final class BenchSchemas {
    private BenchSchemas() {
    }

    public static JsonNode valid(String schema, CliResult result) throws IOException {
        return JsonSchemaTest.valid(schema, result);
    }
}
