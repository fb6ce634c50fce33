package dev.cachectl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cachectl.testing.CachectlHome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** {@code status --json} with an analysis, findings and an interval's change matches docs/schema/status.schema.json. */
class AnalyzeSchemaTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void status_with_analysis_findings_and_change_matches_its_schema() throws IOException {
        home.run("start", "a", "--maxmemory", "64mb", "--policy", "volatile-lru").assertOk();
        try (Jedis jedis = new Jedis("127.0.0.1", home.port("a"))) {
            jedis.set("user:1", "v");
            jedis.setex("session:1", 60, "v");
            jedis.rpush("queue:1", "a", "b");
        }
        JsonNode doc = JsonSchemaTest.valid("status",
                home.run("--json", "status", "a", "--analyze", "--interval", "1s", "--check").assertExit(4));
        assertEquals("keys_without_ttl", doc.at("/findings/0/rule").asText());
        assertEquals(3, doc.at("/analysis/a/keys").asLong());
        assertEquals(1.0, doc.at("/instances/0/change/seconds").asDouble(), 0.5);
        JsonNode plain = JsonSchemaTest.valid("status", home.run("--json", "status", "a").assertOk());
        assertEquals(true, plain.get("analysis").isNull());

        ((ObjectNode) doc.at("/analysis/a/ttl/0")).put("name", "forever");
        assertFalse(JsonSchemaTest.schema("status").validate(doc).isEmpty(), "an unknown TTL band must not validate");
        ((ObjectNode) doc.at("/analysis/a/ttl/0")).put("name", "none");
        ((ObjectNode) doc.at("/findings/0")).remove("measure");
        assertFalse(JsonSchemaTest.schema("status").validate(doc).isEmpty(), "a finding without its measure must not validate");
    }
}
