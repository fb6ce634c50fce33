package dev.cachectl.status;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import dev.cachectl.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The advice rule that needs the config: an instance of a rebalance group past the group's threshold. */
class GroupThresholdAdviceTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void an_instance_past_its_groups_threshold_points_at_rebalance() throws Exception {
        Files.writeString(home.workDir().resolve("cachectl.yaml"), """
                instances:
                  g1: { maxmemory: 4mb, policy: allkeys-lru }
                  g2: { maxmemory: 4mb, policy: allkeys-lru }
                groups:
                  app:
                    instances: [g1, g2]
                    threshold: 60%
                """);
        home.run("start", "g1", "g2").assertOk();
        home.run("status", "g1", "g2", "--check").assertOk();

        try (Jedis jedis = new Jedis("127.0.0.1", home.port("g1"))) {
            Pipeline p = jedis.pipelined();
            for (int i = 0; i < 2500; i++) {
                p.set("order:" + i, "x".repeat(1000));
            }
            p.sync();
        }
        CliResult result = home.run("--json", "status", "g1", "g2", "--check").assertExit(4);
        JsonNode findings = Json.MAPPER.readTree(result.out()).get("findings");
        assertEquals(1, findings.size(), result.out());
        JsonNode finding = findings.get(0);
        assertEquals("g1", finding.get("instance").asText(), result.out());
        assertEquals("group_threshold", finding.get("rule").asText(), result.out());
        assertTrue(finding.get("measure").asText().contains("past group app's threshold of 60%"), result.out());
        assertTrue(finding.get("advice").asText().contains("cachectl rebalance app"), result.out());
    }
}
