package dev.cachectl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cachectl.testing.CachectlHome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** {@code rebalance GROUP --json} (plan, apply, show) matches docs/schema/rebalance-group.schema.json. */
class RebalanceGroupSchemaTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void plan_apply_and_show_match_the_schema() throws IOException {
        Files.writeString(home.workDir().resolve("cachectl.yaml"), """
                instances:
                  a: { maxmemory: 4mb }
                  b: { maxmemory: 4mb }
                groups:
                  g: { instances: [a, b], threshold: 90%, tolerance: 10% }
                categories:
                  big:   { prefix: "big:", instance: a }
                  more:  { prefix: "more:", instance: a }
                  small: { prefix: "small:", instance: a, pin: true }
                """);
        home.run("start", "a", "b").assertOk();
        try (Jedis a = new Jedis("127.0.0.1", home.port("a"))) {
            for (int i = 0; i < 300; i++) {
                a.set("big:" + i, "x".repeat(2000));
                a.set("more:" + i, "x".repeat(2000));
            }
            a.set("small:1", "y");
        }

        JsonNode plan = JsonSchemaTest.valid("rebalance-group", home.run("--json", "rebalance", "g").assertOk());
        assertEquals("planned", plan.get("outcome").asText());
        assertEquals(1, plan.get("moves").size(), plan.toString());
        JsonNode applied = JsonSchemaTest.valid("rebalance-group", home.run("--json", "rebalance", "g", "--apply").assertOk());
        assertEquals("completed", applied.get("outcome").asText());
        assertEquals(300, applied.at("/moves/0/deleted_from_source").asLong());
        JsonNode shown = JsonSchemaTest.valid("rebalance-group", home.run("--json", "rebalance", "g", "--show").assertOk());
        assertEquals("b", shown.at("/categories/" + (applied.at("/moves/0/category").asText().equals("big") ? 0 : 1) + "/instance").asText());

        ((ObjectNode) applied).put("outcome", "Completed");
        assertFalse(JsonSchemaTest.schema("rebalance-group").validate(applied).isEmpty(), "an upper-case outcome must not validate");
    }
}
