package dev.cachectl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.redis.ClusterNodes;
import dev.cachectl.testing.CachectlHome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;

import java.util.List;
import java.util.Set;

import static dev.cachectl.cli.JsonSchemaTest.valid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** rebalance --json (plan, --by slots, and --apply with a weight) matches docs/schema/rebalance.schema.json. */
class RebalanceJsonSchemaTest {
    private static final int KEYS = 3000;

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void plan_and_weighted_apply_match_the_schema_and_a_weight_of_two_gets_twice_the_share() throws Exception {
        String url = home.run("start", "c", "--cluster", "3").assertOk().out().trim();
        HostAndPort seed = HostAndPort.from(url.substring("redis+cluster://".length()).split(",")[0]);
        try (JedisCluster cluster = new JedisCluster(Set.of(seed)); var p = cluster.pipelined()) {
            for (int i = 0; i < KEYS; i++) {
                p.set("k:" + i, "v".repeat(1000));
            }
            p.sync();
        }
        List<ClusterNodes.Node> masters;
        try (Jedis j = new Jedis(seed)) {
            masters = ClusterNodes.parse(j.clusterNodes(), "127.0.0.1").stream().filter(ClusterNodes.Node::master).toList();
        }
        String heavy = masters.get(0).address();

        JsonNode balanced = valid("rebalance", home.run("--json", "rebalance", "c").assertOk());
        assertEquals("planned", balanced.get("outcome").asText());
        assertEquals(0, balanced.get("moves").size(), "an even cluster needs no move: " + balanced);
        valid("rebalance", home.run("--json", "rebalance", "c", "--by", "slots", "--weight", heavy + "=2").assertOk());

        JsonNode applied = valid("rebalance", home.run("--json", "rebalance", "c", "--apply", "--weight", heavy + "=2")
                .assertOk());
        assertEquals("completed", applied.get("outcome").asText(), applied.toString());
        long heavyKeys;
        long others = 0;
        try (Jedis j = new Jedis(masters.get(0).host(), masters.get(0).port())) {
            heavyKeys = j.dbSize();
        }
        for (ClusterNodes.Node m : masters.subList(1, 3)) {
            try (Jedis j = new Jedis(m.host(), m.port())) {
                others += j.dbSize();
            }
        }
        assertEquals(KEYS, heavyKeys + others);
        // a weight of 2 against 1 and 1: half of the memory (the keys are all alike), within 10%
        assertTrue(Math.abs(heavyKeys - KEYS / 2.0) < KEYS * 0.05, heavyKeys + " keys on the weighted master");
    }
}
