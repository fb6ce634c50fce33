package dev.cachectl.redis.copy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import dev.cachectl.testing.Faults;
import dev.cachectl.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A server that dies in the middle of a SCAN copy is named, with what happened, never as a Java exception. */
class MigrateConnectionLossTest {
    private static final int KEYS = 20_000;
    private static final Pattern JAVA = Pattern.compile("java\\.|Exception|jedis", Pattern.CASE_INSENSITIVE);

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    /** Starts a slow copy, kills {@code victim} once keys are arriving, and returns how the copy ended. */
    private CliResult killDuringCopy(String victim) throws Exception {
        home.run("start", "src", "dst").assertOk();
        Faults.loadStrings(home, "src", KEYS);
        return Faults.during(home, "dst", 500, Faults.kill(home, victim), "migrate", "src", "dst",
                "--reader", "scan", "--rate", "2000", "--batch", "100", "--scan-count", "100", "--json");
    }

    private void assertNamed(CliResult result, String role, String name) throws Exception {
        String url = "redis://127.0.0.1:" + home.port(name);
        String expected = "lost the connection to " + role + " " + url + ": ";
        assertEquals(3, result.exitCode(), result.toString());
        assertTrue(result.err().contains(expected), result.toString());
        assertFalse(JAVA.matcher(result.err()).find(), result.toString());
        JsonNode summary = Json.MAPPER.readTree(result.out());
        String because = summary.get("stopped_because").asText();
        assertTrue(because.startsWith(expected), because);
        assertFalse(JAVA.matcher(because).find(), because);
    }

    @Test
    void a_source_killed_mid_scan_copy_is_named_with_what_happened() throws Exception {
        CliResult result = killDuringCopy("src");
        assertNamed(result, "source", "src");
    }

    @Test
    void a_target_killed_mid_scan_copy_is_named_with_what_happened() throws Exception {
        CliResult result = killDuringCopy("dst");
        assertNamed(result, "target", "dst");
    }
}
