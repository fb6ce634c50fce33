package dev.cachectl.redis.copy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import dev.cachectl.testing.Faults;
import dev.cachectl.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keys that SCAN returned but that are gone when the copy reads them (expired, or deleted by the
 * application) are counted as expired, not as failures. SCAN never returns a key that has already
 * expired, so the keys here are deleted while the copy is under way: the rate limit keeps a few
 * scanned pages waiting in the queue, and those are read after the source was emptied.
 */
class MigrateVanishingKeysTest {
    private static final int KEYS = 20_000;

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void keys_that_vanish_between_scan_and_copy_count_as_expired_not_failed() throws Exception {
        home.run("start", "src", "dst").assertOk();
        Faults.loadStrings(home, "src", KEYS);
        CliResult result = Faults.during(home, "dst", 100, () -> {
            try (Jedis src = new Jedis("127.0.0.1", home.port("src"))) {
                src.flushAll();
            }
        }, "migrate", "src", "dst", "--reader", "scan", "--threads", "1", "--rate", "1000", "--batch", "100",
                "--scan-count", "100", "--json").assertOk();
        JsonNode summary = Json.MAPPER.readTree(result.out());
        assertEquals(0, summary.get("failed").asLong(), result.toString());
        assertTrue(summary.get("expired").asLong() > 0, "no key vanished between SCAN and its copy: " + result);
        assertEquals(summary.get("scanned").asLong(), summary.get("copied").asLong() + summary.get("expired").asLong(),
                result.toString());
        assertTrue(summary.get("copied").asLong() < KEYS, result.toString());
    }
}
