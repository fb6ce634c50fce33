package dev.cachectl.status.prometheus;

import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

import java.util.Map;

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
}
