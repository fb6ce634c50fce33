package dev.cachectl.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.testing.Await;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import dev.cachectl.testing.Processes;
import dev.cachectl.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Growing a running cluster with {@code start --cluster} and shrinking it with {@code stop --node}. */
class ClusterGrowthTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void a_grown_cluster_has_an_empty_master_and_a_drained_one_is_removed_with_its_replica() throws Exception {
        home.run("start", "shard", "--cluster", "2x1").assertOk();
        List<Integer> before = ports(home.state("shard"));

        CliResult grown = home.run("start", "shard", "--cluster", "3x1").assertOk();
        assertTrue(grown.err().contains("run `cachectl rebalance shard --apply` to move data onto them"), grown.toString());
        JsonNode state = home.state("shard");
        assertEquals("3x1", state.get("cluster").asText(), state.toString());
        assertEquals(6, state.get("nodes").size(), state.toString());
        JsonNode added = null;
        JsonNode addedReplica = null;
        for (JsonNode n : state.get("nodes")) {
            if (!before.contains(n.get("port").asInt())) {
                if (n.get("role").asText().equals("master")) {
                    added = n;
                } else {
                    addedReplica = n;
                }
            }
        }
        assertTrue(added != null && addedReplica != null, state.toString());
        assertEquals(added.get("port").asInt(), addedReplica.get("replica_of").asInt(), state.toString());
        assertEquals("", slotsOf(added.get("port").asInt()), "a new master holds no slots");
        for (int port : ports(state)) {
            assertEquals("ok", clusterState(port), "node " + port);
            assertEquals(6, known(port), "node " + port + " knows every node");
        }
        JsonNode settings = Json.MAPPER.readTree(Files.readString(home.instanceDir("shard").resolve("settings.json")));
        assertEquals("3x1", settings.get("cluster").asText(), settings.toString());

        CliResult shrinkByStart = home.run("start", "shard", "--cluster", "2x1").assertExit(2);
        assertTrue(shrinkByStart.err().contains("a start does not remove masters"), shrinkByStart.toString());
        assertTrue(shrinkByStart.err().contains("rebalance shard --drain HOST:PORT --apply"), shrinkByStart.toString());

        // the second original master: it holds half the slots
        JsonNode full = state.get("nodes").get(1);
        int fullPort = full.get("port").asInt();
        CliResult refused = home.run("stop", "shard", "--node", "127.0.0.1:" + fullPort).assertExit(2);
        assertTrue(refused.err().contains("still holds 8192 slots"), refused.toString());
        assertTrue(refused.err().contains("cachectl rebalance shard --drain 127.0.0.1:" + fullPort + " --apply"), refused.toString());

        moveAllSlots(state, full.get("node_id").asText(), added.get("node_id").asText(), added.get("port").asInt());
        long fullPid = full.get("pid").asLong();
        long fullReplicaPid = -1;
        for (JsonNode n : state.get("nodes")) {
            if (n.get("replica_of").asInt() == fullPort) {
                fullReplicaPid = n.get("pid").asLong();
            }
        }

        CliResult removed = home.run("stop", "shard", "--node", "127.0.0.1:" + fullPort).assertOk();
        assertTrue(removed.out().contains("removed node 127.0.0.1:" + fullPort + " and its 1 replicas"), removed.toString());
        assertFalse(Processes.alive(fullPid), "the removed master exited");
        assertFalse(Processes.alive(fullReplicaPid), "its replica exited");
        JsonNode after = home.state("shard");
        assertEquals("2x1", after.get("cluster").asText(), after.toString());
        assertEquals(4, after.get("nodes").size(), after.toString());
        for (int port : ports(after)) {
            Await.until(Duration.ofSeconds(10), "node " + port + " forgets the removed nodes and is ok",
                    () -> known(port) == 4 && clusterState(port).equals("ok"));
            try (Jedis node = new Jedis("127.0.0.1", port)) {
                assertFalse(node.clusterNodes().contains(full.get("node_id").asText()), "node " + port + " forgot it");
            }
        }
        assertFalse(Files.exists(home.instanceDir("shard").resolve("node-" + fullPort)), "its folder is gone");
        home.run("stop", "shard").assertOk();
    }

    @Test
    void a_persistent_cluster_grows_while_it_runs_and_comes_back_grown() throws Exception {
        home.run("start", "durable", "--cluster", "1", "--persist").assertOk();
        CliResult grown = home.run("--json", "start", "durable", "--cluster", "2").assertOk();
        assertEquals("grown", Json.MAPPER.readTree(grown.out()).at("/instances/0/outcome").asText(), grown.toString());
        List<Integer> ports = ports(home.state("durable"));
        assertEquals(2, ports.size());
        int added = ports.get(1);

        CliResult fewer = home.run("start", "durable", "--cluster", "1").assertExit(2);
        assertTrue(fewer.err().contains("a start does not remove masters"), fewer.toString());

        home.run("stop", "durable").assertOk();
        home.run("start", "durable").assertOk();
        assertEquals(new java.util.HashSet<>(ports), new java.util.HashSet<>(ports(home.state("durable"))),
                "it comes back with both masters on their ports");
        assertEquals("2", home.state("durable").get("cluster").asText());
        for (int port : ports) {
            Await.until(Duration.ofSeconds(10), "node " + port + " is ok", () -> clusterState(port).equals("ok"));
        }
        assertEquals("", slotsOf(added), "the added master still holds no slots");
        home.run("stop", "durable", "--purge").assertOk();
    }

    /** By the cluster's own protocol, without keys: IMPORTING on the target, then NODE on the target, the source and the rest. */
    private void moveAllSlots(JsonNode state, String fromId, String toId, int toPort) {
        List<Integer> slots = new ArrayList<>();
        for (int s = 0; s < 16384; s++) {
            slots.add(s);
        }
        String fromSlots;
        try (Jedis any = new Jedis("127.0.0.1", toPort)) {
            fromSlots = any.clusterNodes().lines().filter(l -> l.startsWith(fromId)).findFirst().orElseThrow();
        }
        String[] range = fromSlots.split(" ")[8].split("-");
        List<Integer> moving = slots.subList(Integer.parseInt(range[0]), Integer.parseInt(range[1]) + 1);
        try (Jedis to = new Jedis("127.0.0.1", toPort)) {
            Pipeline p = to.pipelined();
            moving.forEach(s -> p.sendCommand(Protocol.Command.CLUSTER, "SETSLOT", Integer.toString(s), "IMPORTING", fromId));
            moving.forEach(s -> p.sendCommand(Protocol.Command.CLUSTER, "SETSLOT", Integer.toString(s), "NODE", toId));
            p.sync();
        }
        for (int port : ports(state)) {
            if (port == toPort) {
                continue;
            }
            try (Jedis node = new Jedis("127.0.0.1", port)) {
                if (node.clusterNodes().lines().anyMatch(l -> l.contains("myself") && l.contains("slave"))) {
                    continue;
                }
                Pipeline p = node.pipelined();
                moving.forEach(s -> p.sendCommand(Protocol.Command.CLUSTER, "SETSLOT", Integer.toString(s), "NODE", toId));
                p.sync();
            }
        }
        for (int port : ports(state)) {
            Await.until(Duration.ofSeconds(10), "node " + port + " sees the slots moved",
                    () -> slotsOf(port, fromId).isEmpty() && clusterState(port).equals("ok"));
        }
    }

    private static List<Integer> ports(JsonNode state) {
        List<Integer> ports = new ArrayList<>();
        state.get("nodes").forEach(n -> ports.add(n.get("port").asInt()));
        return ports;
    }

    private static String slotsOf(int port) {
        try (Jedis node = new Jedis("127.0.0.1", port)) {
            String myself = node.clusterNodes().lines().filter(l -> l.contains("myself")).findFirst().orElseThrow();
            String[] f = myself.split(" ");
            return f.length > 8 ? String.join(" ", java.util.Arrays.copyOfRange(f, 8, f.length)) : "";
        }
    }

    private static String slotsOf(int port, String id) {
        try (Jedis node = new Jedis("127.0.0.1", port)) {
            String line = node.clusterNodes().lines().filter(l -> l.startsWith(id)).findFirst().orElse("");
            String[] f = line.split(" ");
            return f.length > 8 ? String.join(" ", java.util.Arrays.copyOfRange(f, 8, f.length)) : "";
        }
    }

    private static String clusterState(int port) {
        try (Jedis node = new Jedis("127.0.0.1", port)) {
            return node.clusterInfo().lines().filter(l -> l.startsWith("cluster_state:")).findFirst().orElse("")
                    .substring("cluster_state:".length()).trim();
        }
    }

    private static long known(int port) {
        try (Jedis node = new Jedis("127.0.0.1", port)) {
            return node.clusterNodes().lines().filter(l -> !l.isBlank()).count();
        }
    }
}
