package dev.cachectl.status;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.config.Endpoint;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import dev.cachectl.testing.Processes;
import dev.cachectl.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code status} of an external instance whose URL is a Redis Cluster: every node the cluster lists is
 * sampled, like a managed cluster's. The cluster is one cachectl started, then named only by its URL.
 */
class StatusExternalClusterTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void external_cluster_url_sums_keys_over_every_master_and_lists_each_node() throws Exception {
        String url = startCluster();
        try (JedisCluster cluster = new JedisCluster(seeds(url), DefaultJedisClientConfig.builder().build())) {
            for (int i = 0; i < 300; i++) {
                cluster.set("key:" + i, "v" + i);
            }
        }
        List<Integer> ports = ports();
        for (int port : ports) {
            try (Jedis node = new Jedis("127.0.0.1", port)) {
                assertTrue(node.dbSize() > 0 && node.dbSize() < 300, "keys not spread over the masters");
            }
        }
        home.env().put("REDIS_EXT_URL", url);

        JsonNode status = statusJson("ext", 0);
        assertTrue(status.get("up").asBoolean(), status.toString());
        assertEquals("external", status.get("kind").asText(), status.toString());
        assertEquals(300, status.get("keys").asLong(), status.toString());
        assertEquals("3", status.get("cluster").asText(), status.toString());
        assertEquals(3, status.get("nodes").size(), status.toString());
        Set<Integer> nodePorts = new HashSet<>();
        long nodeKeys = 0;
        for (JsonNode node : status.get("nodes")) {
            nodePorts.add(node.get("port").asInt());
            nodeKeys += node.get("keys").asLong();
            assertEquals("127.0.0.1", node.get("host").asText(), node.toString());
            assertTrue(node.get("up").asBoolean(), node.toString());
            assertEquals("master", node.get("role").asText(), node.toString());
            assertEquals("ok", node.get("cluster_state").asText(), node.toString());
            assertTrue(node.get("pid").isNull(), "an external node has no pid of ours: " + node);
        }
        assertEquals(Set.copyOf(ports), nodePorts, status.toString());
        assertEquals(300, nodeKeys, status.toString());

        CliResult text = home.run("status", "ext").assertOk();
        List<String> nodeLines = text.out().lines().filter(l -> l.startsWith("  node 127.0.0.1:")).toList();
        assertEquals(3, nodeLines.size(), text.toString());
        for (int port : ports) {
            assertTrue(nodeLines.stream().anyMatch(l -> l.startsWith("  node 127.0.0.1:" + port + " ")), text.toString());
        }
    }

    @Test
    void killed_node_of_an_external_cluster_makes_status_exit_3_naming_it() throws Exception {
        String url = startCluster();
        List<Integer> ports = ports();
        List<Long> pids = new ArrayList<>();
        home.state("shard").get("nodes").forEach(n -> pids.add(n.get("pid").asLong()));
        home.env().put("REDIS_EXT_URL", url);
        statusJson("ext", 0);

        ProcessHandle.of(pids.get(1)).orElseThrow().destroyForcibly();
        assertTrue(Processes.eventually(java.time.Duration.ofSeconds(5), () -> !Processes.alive(pids.get(1))));

        CliResult text = home.run("status", "ext").assertExit(3);
        assertTrue(text.out().lines().anyMatch(l -> l.startsWith("ext") && l.contains(" down ")), text.toString());
        assertTrue(text.out().contains("node 127.0.0.1:" + ports.get(1) + " (master) is down"), text.toString());
        JsonNode status = statusJson("ext", 3);
        assertFalse(status.get("up").asBoolean(true), status.toString());
        assertEquals(3, status.get("nodes").size(), status.toString());
        for (JsonNode node : status.get("nodes")) {
            boolean killed = node.get("port").asInt() == ports.get(1);
            assertEquals(!killed, node.get("up").asBoolean(), node.toString());
        }
    }

    @Test
    void nodes_are_found_through_the_first_seed_that_answers_and_no_seed_means_down() throws Exception {
        startCluster();
        int nobody = Processes.freePort();
        home.env().put("REDIS_EXT_URL", "redis+cluster://127.0.0.1:" + nobody + ",127.0.0.1:" + ports().get(2));
        JsonNode status = statusJson("ext", 0);
        assertTrue(status.get("up").asBoolean(), status.toString());
        assertEquals(3, status.get("nodes").size(), status.toString());

        home.env().put("REDIS_GONE_URL", "redis+cluster://127.0.0.1:" + nobody);
        JsonNode gone = statusJson("gone", 3);
        assertFalse(gone.get("up").asBoolean(true), gone.toString());
        assertTrue(gone.get("error").asText().contains("no seed node answered CLUSTER NODES"), gone.toString());
    }

    @Test
    void interval_discounts_the_probes_sent_to_every_node() throws Exception {
        String url = startCluster();
        home.env().put("REDIS_EXT_URL", url);
        CliResult result = home.run("status", "ext", "--json", "--interval", "1s").assertOk();
        JsonNode status = Json.MAPPER.readTree(result.out()).get("instances").get(0);
        assertEquals(0.0, status.get("ops_per_sec").asDouble(-1), "an idle cluster has no traffic but ours: " + status);
    }

    private String startCluster() {
        return home.run("start", "shard", "--cluster", "3").assertOk().out().trim();
    }

    private List<Integer> ports() {
        List<Integer> ports = new ArrayList<>();
        home.state("shard").get("nodes").forEach(n -> ports.add(n.get("port").asInt()));
        return ports;
    }

    private JsonNode statusJson(String name, int exit) throws Exception {
        return Json.MAPPER.readTree(home.run("status", name, "--json").assertExit(exit).out()).get("instances").get(0);
    }

    private static Set<HostAndPort> seeds(String url) {
        return Endpoint.parse(url).seeds().stream().map(HostAndPort::from).collect(Collectors.toSet());
    }
}
