package dev.cachectl.redis.copy;

import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code migrate --timeout}: a positive duration or a usage error. How it bounds a wait is shown by
 * {@link MigrateConnectionLossTest}, whose stalled cluster nodes are given up on after it.
 */
@Timeout(60)
class MigrateTimeoutOptionTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void a_timeout_that_is_not_a_positive_duration_is_a_usage_error_before_any_server_is_contacted() {
        // nothing listens on these ports: a refusal that contacted them first would be exit 3
        for (String bad : new String[] {"0", "0s", "-1s", "banana", "never"}) {
            CliResult result = home.run("migrate", "redis://127.0.0.1:1", "redis://127.0.0.1:2", "--timeout", bad);

            assertEquals(2, result.exitCode(), bad + ": " + result);
            String first = result.err().lines().findFirst().orElse("");
            assertTrue(first.contains("--timeout") && first.contains(bad.equals("0") ? "0s" : bad), bad + ": " + result);
        }
        CliResult zero = home.run("migrate", "redis://127.0.0.1:1", "redis://127.0.0.1:2", "--timeout", "0");
        assertTrue(zero.err().contains("--timeout takes a positive duration, e.g. 30s (got 0s)"), zero.toString());
    }

    @Test
    void a_mongodb_migrate_refuses_the_timeout_rather_than_ignore_it() {
        CliResult result = home.run("migrate", "mongodb://127.0.0.1:1/a", "mongodb://127.0.0.1:2/b", "--timeout", "3s");

        assertEquals(2, result.exitCode(), result.toString());
        assertTrue(result.err().contains("--timeout does not apply to a MongoDB migrate"), result.toString());
    }

    @Test
    void a_dry_run_takes_a_valid_timeout() {
        home.run("start", "src", "dst").assertOk();
        try (Jedis src = new Jedis("127.0.0.1", home.port("src"))) {
            src.set("k", "v");
        }

        CliResult result = home.run("migrate", "src", "dst", "--dry-run", "--timeout", "1500ms").assertOk();

        assertTrue(result.err().contains("dry run: 1 keys would be copied"), result.toString());
    }

    /**
     * A source that takes no writes sends its replication link a PING only every 10 s: a live follow's link must
     * not give up on it after twice a short --timeout (the follow's offset probe is what watches for a stall).
     */
    @Test
    void a_live_follow_of_a_quiet_source_outlasts_a_short_timeout() {
        home.run("start", "src", "dst").assertOk();
        try (Jedis src = new Jedis("127.0.0.1", home.port("src"))) {
            src.set("k", "v");
        }

        home.run("migrate", "src", "dst", "--live", "--until", "caught-up", "--settle", "3s", "--timeout", "1s",
                "--progress", "none").assertOk();

        try (Jedis dst = new Jedis("127.0.0.1", home.port("dst"))) {
            assertEquals("v", dst.get("k"));
        }
    }
}
