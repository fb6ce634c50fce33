package dev.cachectl.status;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.testing.Await;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * CLIENTS counts the connections of others, never the one status itself reads through, nor a replica's link to
 * its master (Redis counts it among a replica's connected_clients).
 */
class StatusClientsTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    private long clients(String name) throws Exception {
        JsonNode json = Json.MAPPER.readTree(home.run("status", name, "--json").assertOk().out());
        return json.get("instances").get(0).get("clients").asLong(-1);
    }

    @Test
    void a_server_nobody_else_uses_shows_no_clients_and_one_connection_shows_one() throws Exception {
        home.run("start", "a").assertOk();
        assertEquals(0, clients("a"));
        try (Jedis other = new Jedis("127.0.0.1", home.port("a"))) {
            other.ping();
            assertEquals(1, clients("a"));
        }
    }

    /** Once every replica among {@code ports} has its link to its master up (it is a client there from then on). */
    private static void replicationUp(int... ports) {
        for (int port : ports) {
            Await.until(Duration.ofSeconds(20), "the replica on port " + port + " has its master link up", () -> {
                try (Jedis node = new Jedis("127.0.0.1", port)) {
                    String info = node.info("replication");
                    return !info.contains("role:slave") || info.contains("master_link_status:up");
                }
            });
        }
    }

    @Test
    void a_replica_and_its_master_show_no_clients_for_their_replication_link() throws Exception {
        home.run("start", "main").assertOk();
        home.run("start", "copy").assertOk();
        try (Jedis copy = new Jedis("127.0.0.1", home.port("copy"))) {
            copy.replicaof("127.0.0.1", home.port("main"));
        }
        replicationUp(home.port("copy"));
        assertEquals(0, clients("main"));
        assertEquals(0, clients("copy"));
    }

    @Test
    void a_cluster_discounts_the_connection_status_opens_to_each_node_and_its_replicas_links() throws Exception {
        home.run("start", "shard", "--cluster", "3x1").assertOk();
        JsonNode nodes = home.state("shard").get("nodes");
        int[] ports = new int[nodes.size()];
        for (int i = 0; i < ports.length; i++) {
            ports[i] = nodes.get(i).get("port").asInt();
        }
        replicationUp(ports);
        assertEquals(0, clients("shard"));
        try (Jedis other = new Jedis("127.0.0.1", ports[0])) {
            other.ping();
            assertEquals(1, clients("shard"));
        }
    }
}
