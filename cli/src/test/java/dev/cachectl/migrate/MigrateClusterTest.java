package dev.cachectl.migrate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import dev.cachectl.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;

import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MigrateClusterTest {
    private static final int KEYS = 3000;

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    private JedisCluster cluster(String name) {
        String url = home.run("start", name).assertOk().out().trim();
        Set<HostAndPort> seeds = new HashSet<>();
        for (String seed : url.substring("redis+cluster://".length()).split(",")) {
            seeds.add(HostAndPort.from(seed));
        }
        return new JedisCluster(seeds);
    }

    @Test
    void a_cluster_is_scanned_on_every_master_into_a_standalone_target() throws IOException {
        home.run("start", "shard", "--cluster", "3").assertOk();
        home.run("start", "flat").assertOk();
        try (JedisCluster src = cluster("shard")) {
            for (int i = 0; i < KEYS; i++) {
                src.set("k:" + i, "v" + i);
            }
            src.hset("{user}:h", "f", "v");
            src.expire("k:1", 1000);
        }
        CliResult result = home.run("migrate", "shard", "flat", "--verify", "full", "--json").assertOk();
        JsonNode summary = Json.MAPPER.readTree(result.out());
        assertEquals(KEYS + 1, summary.get("copied").asLong(), result.toString());
        assertEquals(0, summary.get("verification").get("mismatches").asLong(), result.toString());
        try (Jedis flat = new Jedis("127.0.0.1", home.port("flat"))) {
            assertEquals(KEYS + 1, flat.dbSize());
            assertTrue(flat.ttl("k:1") > 990);
        }
    }

    @Test
    void a_standalone_source_is_routed_by_slot_into_a_cluster_and_other_dbs_need_a_map() throws IOException {
        home.run("start", "flat").assertOk();
        home.run("start", "shard", "--cluster", "3").assertOk();
        try (Jedis flat = new Jedis("127.0.0.1", home.port("flat"))) {
            var p = flat.pipelined();
            for (int i = 0; i < KEYS; i++) {
                p.set("k:" + i, "v" + i);
            }
            p.sync();
            flat.select(1);
            flat.set("in-db1", "x");
        }
        CliResult refused = home.run("migrate", "flat", "shard").assertExit(2);
        assertTrue(refused.err().contains("only db 0"), refused.toString());
        CliResult result = home.run("migrate", "flat", "shard", "--db-map", "1:0", "--verify", "quick", "--json").assertOk();
        assertEquals(KEYS + 1, Json.MAPPER.readTree(result.out()).get("copied").asLong(), result.toString());
        try (JedisCluster shard = cluster("shard")) {
            assertEquals("v42", shard.get("k:42"));
            assertEquals("x", shard.get("in-db1"));
        }
    }
}
