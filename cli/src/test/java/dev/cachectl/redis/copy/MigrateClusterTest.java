package dev.cachectl.redis.copy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import dev.cachectl.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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

    /** Snapshots from the cluster's masters start at once, not after Redis 7's 5 s diskless wait. */
    private void noSnapshotDelay(JedisCluster cluster) {
        for (var pool : cluster.getClusterNodes().values()) {
            try (Jedis node = new Jedis(pool.getResource())) {
                node.configSet("repl-diskless-sync-delay", "0");
            }
        }
    }

    @ParameterizedTest(name = "--reader {0}")
    @ValueSource(strings = {"scan", "sync"})
    void a_cluster_is_read_on_every_master_into_a_standalone_target(String reader) throws IOException {
        home.run("start", "shard", "--cluster", "3").assertOk();
        home.run("start", "flat").assertOk();
        try (JedisCluster src = cluster("shard")) {
            noSnapshotDelay(src);
            for (int i = 0; i < KEYS; i++) {
                src.set("k:" + i, "v" + i);
            }
            src.hset("{user}:h", "f", "v");
            src.expire("k:1", 1000);
        }
        CliResult result = home.run("migrate", "shard", "flat", "--reader", reader, "--verify", "full", "--json").assertOk();
        JsonNode summary = Json.MAPPER.readTree(result.out());
        assertEquals(reader, summary.get("reader").asText(), result.toString());
        assertEquals(KEYS + 1, summary.get("copied").asLong(), result.toString());
        assertEquals(0, summary.get("verification").get("mismatches").asLong(), result.toString());
        try (Jedis flat = new Jedis("127.0.0.1", home.port("flat"))) {
            assertEquals(KEYS + 1, flat.dbSize());
            assertTrue(flat.ttl("k:1") > 990);
        }
    }

    @Test
    void a_cluster_source_has_only_db_0_and_any_other_is_refused_before_a_key_is_read_or_written() throws Exception {
        home.run("start", "shard", "--cluster", "3").assertOk();
        home.run("start", "flat").assertOk();
        try (JedisCluster src = cluster("shard")) {
            for (int i = 0; i < 100; i++) {
                src.set("k:" + i, "from the cluster");
            }
        }
        try (Jedis flat = new Jedis("127.0.0.1", home.port("flat"))) {
            flat.set("k:1", "the target's own");
        }
        // into a server and into a cluster (itself: the refusal comes first), run, dry run and JSON alike
        for (List<String> how : List.of(List.of("shard", "flat", "--db", "5", "--json"), List.of("shard", "flat", "--db", "0,1"),
                List.of("shard", "flat", "--db", "5", "--dry-run"), List.of("shard", "shard", "--db", "1"),
                List.of("shard", "flat", "--db-map", "3:0"))) {
            List<String> args = new ArrayList<>(List.of("migrate"));
            args.addAll(how);
            CliResult refused = home.run(args.toArray(String[]::new)).assertExit(2);
            assertTrue(refused.err().contains("is a Redis Cluster, which has only db 0: --db"), how + "\n" + refused);
            // nothing copied to report: stdout holds at most the failure document of --json
            assertEquals(how.contains("--json") ? "failed" : null, refused.out().isEmpty() ? null
                    : dev.cachectl.util.Json.MAPPER.readTree(refused.out()).get("outcome").asText(), how + "\n" + refused);
            try (Jedis flat = new Jedis("127.0.0.1", home.port("flat"))) {
                assertEquals(1L, flat.dbSize(), how + ": the target was written to\n" + refused);
                assertEquals("the target's own", flat.get("k:1"), how.toString());
            }
        }
        // a cluster URL carries no db, as source or as target
        String seed = "redis+cluster://127.0.0.1:" + home.port("shard") + "/3";
        for (List<String> ends : List.of(List.of(seed, "flat"), List.of("flat", seed))) {
            CliResult refused = home.run("migrate", ends.get(0), ends.get(1)).assertExit(2);
            assertTrue(refused.err().contains("a Redis Cluster has only db 0; remove the /db"), ends + "\n" + refused);
        }
        home.run("migrate", "shard", "flat", "--db", "0", "--skip-existing", "--reader", "scan").assertOk();
        try (Jedis flat = new Jedis("127.0.0.1", home.port("flat"))) {
            assertEquals(100L, flat.dbSize());
            assertEquals("the target's own", flat.get("k:1"));
        }
    }

    @ParameterizedTest(name = "--reader {0}")
    @ValueSource(strings = {"scan", "sync"})
    void a_standalone_source_is_routed_by_slot_into_a_cluster_and_other_dbs_need_a_map(String reader) throws IOException {
        home.run("start", "flat").assertOk();
        home.run("start", "shard", "--cluster", "3").assertOk();
        try (Jedis flat = new Jedis("127.0.0.1", home.port("flat"))) {
            var p = flat.pipelined();
            for (int i = 0; i < KEYS; i++) {
                p.set("k:" + i, "v" + i);
            }
            p.sync();
            flat.hset("h", "f", "v");
            flat.configSet("repl-diskless-sync-delay", "0");
            flat.select(1);
            flat.set("in-db1", "x");
        }
        CliResult refused = home.run("migrate", "flat", "shard").assertExit(2);
        assertTrue(refused.err().contains("only db 0"), refused.toString());
        CliResult result = home.run("migrate", "flat", "shard", "--reader", reader, "--db-map", "1:0", "--verify", "quick",
                "--json").assertOk();
        JsonNode summary = Json.MAPPER.readTree(result.out());
        assertEquals(KEYS + 2, summary.get("copied").asLong(), result.toString());
        assertEquals(reader, summary.get("reader").asText(), result.toString());
        try (JedisCluster shard = cluster("shard")) {
            assertEquals("v42", shard.get("k:42"));
            assertEquals("v", shard.hget("h", "f"));
            assertEquals("x", shard.get("in-db1"));
        }
    }

    @ParameterizedTest(name = "--reader {0}")
    @ValueSource(strings = {"scan", "sync"})
    void keys_of_a_slot_being_migrated_follow_the_ask_redirection(String reader) throws IOException {
        home.run("start", "flat").assertOk();
        home.run("start", "shard", "--cluster", "3").assertOk();
        int slot = redis.clients.jedis.util.JedisClusterCRC16.getSlot("{moving}");
        try (Jedis flat = new Jedis("127.0.0.1", home.port("flat"))) {
            flat.configSet("repl-diskless-sync-delay", "0");
            for (int i = 0; i < 100; i++) {
                flat.set("{moving}:" + i, "v" + i);
                flat.set("still:" + i, "v" + i);
            }
            flat.rpush("{moving}:list", "a", "b");
        }
        Jedis owner = null;
        Jedis importer = null;
        try (JedisCluster shard = cluster("shard")) {
            for (var pool : shard.getClusterNodes().values()) {
                Jedis node = new Jedis(pool.getResource());
                String[] self = node.clusterNodes().lines().filter(l -> l.contains("myself")).findFirst().orElseThrow().split(" ");
                boolean owns = java.util.Arrays.stream(self).skip(8).anyMatch(range -> {
                    String[] ends = range.split("-");
                    return !range.startsWith("[") && Integer.parseInt(ends[0]) <= slot
                            && slot <= Integer.parseInt(ends[ends.length - 1]);
                });
                if (owns && owner == null) {
                    owner = node;
                } else if (!owns && importer == null && self[2].contains("master")) {
                    importer = node;
                } else {
                    node.close();
                }
            }
            // the slot is half-way to another master: a key the owner does not hold is answered ASK
            importer.clusterSetSlotImporting(slot, owner.clusterMyId());
            owner.clusterSetSlotMigrating(slot, importer.clusterMyId());
            CliResult result = home.run("migrate", "flat", "shard", "--reader", reader, "--json").assertOk();
            assertEquals(201, Json.MAPPER.readTree(result.out()).get("copied").asLong(), result.toString());
            assertEquals(101, importer.clusterCountKeysInSlot(slot), "the slot's keys went where ASK sent them");
            assertEquals(0, owner.clusterCountKeysInSlot(slot));
            assertEquals("v42", shard.get("still:42"));
        } finally {
            if (owner != null) {
                owner.close();
            }
            if (importer != null) {
                importer.close();
            }
        }
    }
}
