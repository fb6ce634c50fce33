package dev.cachectl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.IndexOptions;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.TestMongo;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A MongoDB migrate's --json (dry run, completed and verified, partial) matches docs/schema/migrate.schema.json,
 * between two embedded servers cachectl starts ({@code start a --engine mongo}), migrated by name.
 */
class MongoMigrateSchemaTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void mongo_migrate_matches_the_migrate_schema() throws IOException {
        TestMongo a = TestMongo.inMemory(home, "a");
        TestMongo b = TestMongo.inMemory(home, "b");
        try (MongoClient source = MongoClients.create(a.connectionString());
             MongoClient target = MongoClients.create(b.connectionString())) {
            source.getDatabase("shop").getCollection("users").insertOne(new Document("_id", 1).append("email", "x"));
            source.getDatabase("shop").getCollection("users").insertOne(new Document("_id", 2).append("email", "y"));
            JsonSchemaTest.valid("migrate", home.run("--json", "migrate", "a", "b", "--dry-run").assertOk());
            JsonNode done = JsonSchemaTest.valid("migrate", home.run("--json", "migrate", "a", "b", "--verify",
                    "quick").assertOk());
            assertEquals("completed", done.get("outcome").asText());

            target.getDatabase("shop").getCollection("users").createIndex(new Document("email", 1), new IndexOptions().unique(true));
            target.getDatabase("shop").getCollection("users").insertOne(new Document("_id", 3).append("email", "z"));
            source.getDatabase("shop").getCollection("users").insertOne(new Document("_id", 4).append("email", "z"));
            JsonNode partial = JsonSchemaTest.valid("migrate", home.run("--json", "migrate", "a", "b").assertExit(4));
            assertEquals("partial", partial.get("outcome").asText());

            ((ObjectNode) partial).remove("docs_per_sec");
            assertFalse(JsonSchemaTest.schema("migrate").validate(partial).isEmpty(), "a missing field must not validate");
        }
    }
}
