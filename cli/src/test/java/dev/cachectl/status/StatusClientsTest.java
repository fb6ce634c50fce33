package dev.cachectl.status;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** CLIENTS counts the connections of others, never the one status itself reads through. */
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

    @Test
    void a_cluster_discounts_the_connection_status_opens_to_each_node() throws Exception {
        home.run("start", "shard", "--cluster", "3").assertOk();
        assertEquals(0, clients("shard"));
        int port = home.state("shard").get("nodes").get(0).get("port").asInt();
        try (Jedis other = new Jedis("127.0.0.1", port)) {
            other.ping();
            assertEquals(1, clients("shard"));
        }
    }
}
