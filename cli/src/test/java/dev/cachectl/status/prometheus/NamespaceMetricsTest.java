package dev.cachectl.status.prometheus;

import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NamespaceMetricsTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void the_last_analysis_is_exported_as_memory_per_namespace() throws Exception {
        home.run("start", "cache").assertOk();
        try (Jedis jedis = new Jedis("127.0.0.1", home.port("cache"))) {
            Pipeline p = jedis.pipelined();
            for (int i = 0; i < 300; i++) {
                p.set("big:" + i, "x".repeat(2000));
                p.set("small:" + i, "y");
            }
            p.sync();
        }
        Map<String, Double> before = ExpositionFormat.parse(home.run("status", "cache", "--prometheus").assertOk().out());
        assertFalse(before.keySet().stream().anyMatch(k -> k.startsWith("cachectl_namespace_memory_bytes")),
                "no analysis yet, no namespace series: " + before);

        home.run("status", "cache", "--analyze", "--full").assertOk();
        CliResult result = home.run("status", "cache", "--prometheus").assertOk();
        Map<String, Double> m = ExpositionFormat.parse(result.out());
        Double big = m.get("cachectl_namespace_memory_bytes{instance=cache,namespace=big:*}");
        Double small = m.get("cachectl_namespace_memory_bytes{instance=cache,namespace=small:*}");
        assertTrue(big != null && small != null, result.out());
        assertTrue(big > 300 * 2000 && big > 10 * small, result.out());
    }

    @Test
    void an_analysis_that_cannot_be_kept_is_shown_with_a_warning_and_exit_0() throws Exception {
        home.run("start", "cache").assertOk();
        try (Jedis jedis = new Jedis("127.0.0.1", home.port("cache"))) {
            jedis.set("big:1", "x".repeat(2000));
        }
        Path kept = Files.writeString(home.root().resolve("analysis"), "a file where the analyses' folder goes");

        CliResult result = home.run("status", "cache", "--analyze", "--full").assertOk();

        assertTrue(result.out().contains("big:*"), "the analysis is shown all the same: " + result);
        assertEquals(List.of("the analysis of cache is shown but not kept for status --prometheus: cannot write last analysis "
                + kept.resolve("cache.json") + ": " + kept + " exists and is not a folder"), result.err().lines().toList(), result.toString());
    }
}
