package dev.cachectl.lifecycle;

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
import redis.clients.jedis.exceptions.JedisException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code start --cluster}: a local Redis Cluster that start, status and stop handle as one instance with its nodes. */
class ClusterTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void three_masters_serve_every_slot_and_stop_removes_every_node() throws Exception {
        String url = home.run("start", "shard", "--cluster", "3").assertOk().out().trim();
        JsonNode state = home.state("shard");
        List<Integer> ports = ints(state.get("nodes"), "port");
        List<Long> pids = pids(state);
        assertEquals(3, ports.size(), state.toString());
        assertEquals("redis+cluster://127.0.0.1:" + ports.get(0) + ",127.0.0.1:" + ports.get(1) + ",127.0.0.1:" + ports.get(2), url);
        assertEquals(ports.get(0), home.port("shard"), "top-level port is the first node's");
        assertEquals(pids.get(0), home.pid("shard"), "top-level pid is the first node's");
        assertEquals("3", state.get("cluster").asText());
        for (JsonNode node : state.get("nodes")) {
            assertEquals("master", node.get("role").asText(), node.toString());
            assertTrue(node.get("process_start_millis").asLong() > 0, node.toString());
            assertFalse(node.get("executable").asText().isEmpty(), node.toString());
            assertFalse(node.get("run_id").isNull() || node.get("node_id").isNull(), node.toString());
        }

        try (JedisCluster cluster = new JedisCluster(seeds(url), DefaultJedisClientConfig.builder().build())) {
            for (int i = 0; i < 300; i++) {
                cluster.set("key:" + i, "v" + i);
            }
            for (int i = 0; i < 300; i++) {
                assertEquals("v" + i, cluster.get("key:" + i));
            }
        }
        for (int port : ports) {
            try (Jedis node = new Jedis("127.0.0.1", port)) {
                assertTrue(node.dbSize() > 0, "master on " + port + " holds no key: slots not spread");
            }
        }

        JsonNode status = Json.MAPPER.readTree(home.run("status", "shard", "--json").assertOk().out()).get("instances").get(0);
        assertTrue(status.get("up").asBoolean(), status.toString());
        assertEquals(300, status.get("keys").asLong(), status.toString());
        assertEquals("3", status.get("cluster").asText(), status.toString());
        assertEquals(3, status.get("nodes").size(), status.toString());
        for (JsonNode node : status.get("nodes")) {
            assertTrue(node.get("up").asBoolean(), node.toString());
            assertEquals("ok", node.get("cluster_state").asText(), node.toString());
        }

        CliResult again = home.run("start", "shard", "--cluster", "3").assertOk();
        assertEquals(url, again.out().trim());
        assertTrue(again.err().contains("already running (cluster 3: 3 nodes"), again.toString());
        assertEquals(pids, pids(home.state("shard")), "a second start replaced nodes");
        // another shape (replicas are not added to a running cluster) is refused, not handed out as asked
        CliResult reshaped = home.run("start", "shard", "--cluster", "3x1").assertExit(2);
        assertTrue(reshaped.err().contains("'shard' is already running with cluster 3 (asked: cluster 3x1): stop it first "
                + "('cachectl stop shard'), or start it without --cluster"), reshaped.toString());
        assertEquals("", reshaped.out(), reshaped.toString());
        // nor do more masters come with other settings than the running nodes have
        CliResult grownOtherwise = home.run("start", "shard", "--cluster", "4", "--policy", "allkeys-lfu").assertExit(2);
        assertTrue(grownOtherwise.err().contains("'shard' is already running with policy default (asked: allkeys-lfu)"),
                grownOtherwise.toString());
        assertEquals(pids, pids(home.state("shard")), "a refused start replaced nodes");

        CliResult stop = home.run("stop", "shard").assertOk();
        assertTrue(stop.out().contains("stopped shard (cluster of 3 nodes)"), stop.toString());
        assertNothingLeft("shard", pids, ports);
    }

    @Test
    void masters_with_replicas_get_one_replica_each_and_status_shows_the_roles() throws Exception {
        JsonNode started = Json.MAPPER.readTree(home.run("start", "shard", "--cluster", "3x1", "--json").assertOk().out())
                .get("instances").get(0);
        assertEquals(6, started.get("nodes").size(), started.toString());
        JsonNode state = home.state("shard");
        List<Integer> ports = ints(state.get("nodes"), "port");
        Set<Integer> masters = new java.util.HashSet<>();
        List<JsonNode> replicas = new ArrayList<>();
        for (JsonNode node : state.get("nodes")) {
            if (node.get("role").asText().equals("master")) {
                masters.add(node.get("port").asInt());
            } else {
                replicas.add(node);
            }
        }
        assertEquals(3, masters.size(), state.toString());
        assertEquals(3, replicas.size(), state.toString());
        assertEquals(masters, replicas.stream().map(r -> r.get("replica_of").asInt()).collect(Collectors.toSet()),
                "every master has one replica");
        for (JsonNode replica : replicas) {
            try (Jedis jedis = new Jedis("127.0.0.1", replica.get("port").asInt())) {
                List<Object> role = jedis.role();
                assertEquals("slave", role.get(0), role.toString());
                assertEquals(replica.get("replica_of").asLong(), ((Number) role.get(2)).longValue(), role.toString());
                assertEquals("connected", role.get(3), role.toString());
                assertTrue(jedis.info("replication").contains("master_link_status:up"));
            }
        }

        CliResult text = home.run("status", "shard").assertOk();
        List<String> nodeLines = text.out().lines().filter(l -> l.startsWith("  node 127.0.0.1:")).toList();
        assertEquals(6, nodeLines.size(), text.toString());
        assertEquals(3, nodeLines.stream().filter(l -> l.contains(" master ")).count(), text.toString());
        assertEquals(3, nodeLines.stream().filter(l -> l.contains(" replica of ")).count(), text.toString());
        JsonNode status = Json.MAPPER.readTree(home.run("status", "shard", "--json").assertOk().out()).get("instances").get(0);
        assertEquals(List.of("master", "master", "master", "replica", "replica", "replica"),
                strings(status.get("nodes"), "role"), status.toString());

        List<Long> pids = pids(state);
        home.run("stop", "shard").assertOk();
        assertNothingLeft("shard", pids, ports);
    }

    @Test
    void kill_9_of_a_master_makes_status_exit_3_naming_the_node_and_stop_still_cleans_everything() throws Exception {
        home.run("start", "shard", "--cluster", "3").assertOk();
        JsonNode state = home.state("shard");
        List<Long> pids = pids(state);
        List<Integer> ports = ints(state.get("nodes"), "port");
        Processes.killAndWait(pids.get(1));

        CliResult text = home.run("status", "shard").assertExit(3);
        assertTrue(text.out().lines().anyMatch(l -> l.startsWith("shard") && l.contains(" down ")), text.toString());
        assertTrue(text.out().contains("node 127.0.0.1:" + ports.get(1) + " (master, pid " + pids.get(1) + ") is down"),
                text.toString());
        JsonNode status = Json.MAPPER.readTree(home.run("status", "shard", "--json").assertExit(3).out()).get("instances").get(0);
        assertFalse(status.get("up").asBoolean(true), status.toString());
        assertFalse(status.get("nodes").get(1).get("up").asBoolean(true), status.toString());
        assertTrue(status.get("nodes").get(0).get("up").asBoolean(), status.toString());
        assertTrue(text.out().contains("'cachectl stop shard' stops it"), text.toString());
        // while a start or stop holds the instance (another process: here a lock this JVM takes), a cluster found
        // short of nodes is one that is forming or going, and status does not advise stopping it
        try (dev.cachectl.util.FileLocks.Held changing = dev.cachectl.util.FileLocks.acquireTransient(
                home.root().resolve("locks/shard.lock"), Duration.ZERO).orElseThrow()) {
            CliResult during = home.run("status", "shard").assertExit(3);
            assertTrue(during.out().contains("a start or stop of 'shard' is under way"), during.toString());
            assertFalse(during.out().contains("'cachectl stop shard' stops it"), during.toString());
        }

        CliResult restart = home.run("start", "shard", "--cluster", "3").assertExit(3);
        assertTrue(restart.err().contains("running degraded") && restart.err().contains(":" + ports.get(1)), restart.toString());

        CliResult stop = home.run("stop", "shard").assertOk();
        assertTrue(stop.err().contains("node 127.0.0.1:" + ports.get(1) + " was not running"), stop.toString());
        assertNothingLeft("shard", pids, ports);
    }

    @Test
    void password_cluster_prints_a_redacted_url_and_refuses_clients_without_the_password() throws Exception {
        String url = home.run("start", "secure", "--cluster", "3", "--password", "s3cret").assertOk().out().trim();
        assertTrue(url.startsWith("redis+cluster://:***@127.0.0.1:"), url);
        assertFalse(url.contains("s3cret"), url);
        String secret = home.run("start", "secure", "--show-password").assertOk().out().trim();
        assertEquals(url.replace("***", "s3cret"), secret);

        try (JedisCluster cluster = new JedisCluster(seeds(url), DefaultJedisClientConfig.builder().password("s3cret").build())) {
            cluster.set("greeting", "hello");
            assertEquals("hello", cluster.get("greeting"));
        }
        assertThrows(JedisException.class, () -> {
            try (JedisCluster cluster = new JedisCluster(seeds(url), DefaultJedisClientConfig.builder().build())) {
                cluster.get("greeting");
            }
        });

        for (JsonNode node : home.state("secure").get("nodes")) {
            Path conf = Path.of(node.get("config_file").asText());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(conf)), conf.toString());
            String text = Files.readString(conf);
            assertTrue(text.contains("requirepass \"s3cret\"") && text.contains("masterauth \"s3cret\""), text);
            String commandLine = Processes.commandLine(ProcessHandle.of(node.get("pid").asLong()).orElseThrow());
            assertFalse(commandLine.contains("s3cret"), commandLine);
        }
        home.run("status", "secure").assertOk();
    }

    @Test
    void cluster_from_cachectl_yaml_gives_run_its_url_and_is_stopped_after() throws Exception {
        Files.writeString(home.workDir().resolve("cachectl.yaml"), """
                instances:
                  shard:
                    cluster: 1x1
                """);
        Path urlFile = home.workDir().resolve("url.txt");
        home.run("run", "--with", "shard", "--", "sh", "-c", "printf %s \"$REDIS_SHARD_URL\" > url.txt").assertOk();
        String url = Files.readString(urlFile);
        assertTrue(url.matches("redis\\+cluster://127\\.0\\.0\\.1:\\d+"), url);
        assertFalse(home.hasState("shard"), "run left the cluster it started");
        assertFalse(Files.exists(home.instanceDir("shard")), "run left the cluster's folder");
    }

    private void assertNothingLeft(String name, List<Long> pids, List<Integer> ports) {
        for (long pid : pids) {
            assertTrue(Processes.eventually(Duration.ofSeconds(5), () -> !Processes.alive(pid)), "node pid " + pid + " still running");
        }
        assertFalse(home.hasState(name), "state left behind");
        assertFalse(Files.exists(home.instanceDir(name)), "instance dir left behind");
        for (int port : ports) {
            assertTrue(Processes.eventually(Duration.ofSeconds(5), () -> Processes.portFree(port)),
                    "port " + port + " still taken");
        }
    }

    static Set<HostAndPort> seeds(String url) {
        return Endpoint.parse(url).seeds().stream().map(HostAndPort::from).collect(Collectors.toSet());
    }

    static List<Long> pids(JsonNode state) {
        List<Long> pids = new ArrayList<>();
        state.get("nodes").forEach(n -> pids.add(n.get("pid").asLong()));
        return pids;
    }

    private static List<Integer> ints(JsonNode array, String field) {
        List<Integer> values = new ArrayList<>();
        array.forEach(n -> values.add(n.get(field).asInt()));
        return values;
    }

    private static List<String> strings(JsonNode array, String field) {
        List<String> values = new ArrayList<>();
        array.forEach(n -> values.add(n.get(field).asText()));
        return values;
    }
}
