package dev.cachectl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cachectl.testing.CachectlHome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code cron --json} (print, dry run, install, remove) matches docs/schema/cron.schema.json. */
class CronSchemaTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void print_dry_run_install_and_remove_match_the_schema() throws IOException {
        Files.writeString(home.workDir().resolve("cachectl.yaml"), """
                jobs:
                  hourly: { source: u.jsonl, key: "u:{id}", schedule: "@hourly", timeout: 90s }
                  nightly: { source: u.jsonl, key: "n:{id}", schedule: "0 3 * * *" }
                """);
        Path table = home.workDir().resolve("crontab.txt");
        Path crontab = home.workDir().resolve("crontab");
        Files.writeString(crontab, "#!/bin/sh\nif [ \"$1\" = -l ]; then [ ! -f '" + table + "' ] || cat '" + table + "'; else cat > '" + table + "'; fi\n");
        Files.setPosixFilePermissions(crontab, PosixFilePermissions.fromString("rwx------"));
        home.env().put("CACHECTL_CRONTAB", crontab.toString());
        home.env().put("CACHECTL_LAUNCHER", crontab.toString());
        // the crontab lock is under $HOME: the test's own, never the user's
        Path userHome = Files.createDirectories(home.workDir().resolve("user-home"));
        home.env().put("HOME", userHome.toString());

        JsonNode printed = JsonSchemaTest.valid("cron", home.run("--json", "cron").assertOk());
        assertEquals("printed", printed.get("outcome").asText());
        assertEquals(90, printed.at("/jobs/0/timeout_seconds").asLong());
        assertTrue(printed.at("/jobs/1/timeout_seconds").isNull(), printed.toString());
        JsonNode dry = JsonSchemaTest.valid("cron", home.run("--json", "cron", "--install", "--dry-run").assertOk());
        assertEquals("installed", dry.get("outcome").asText());
        assertTrue(dry.get("crontab").asText().contains(dry.at("/jobs/1/line").asText()), dry.toString());
        assertFalse(Files.exists(table), "a dry run wrote the crontab");
        assertEquals("installed", JsonSchemaTest.valid("cron", home.run("--json", "cron", "--install").assertOk()).get("outcome").asText());
        assertEquals("unchanged", JsonSchemaTest.valid("cron", home.run("--json", "cron", "--install").assertOk()).get("outcome").asText());
        assertTrue(Files.exists(userHome.resolve(".cachectl/locks/crontab.lock")), "the lock is not where HOME says");
        JsonNode removed = JsonSchemaTest.valid("cron", home.run("--json", "cron", "--remove").assertOk());
        assertEquals("removed", removed.get("outcome").asText());
        assertEquals("", Files.readString(table));

        ((ObjectNode) removed).put("outcome", "Removed");
        assertFalse(JsonSchemaTest.schema("cron").validate(removed).isEmpty(), "an upper-case outcome must not validate");
    }
}
