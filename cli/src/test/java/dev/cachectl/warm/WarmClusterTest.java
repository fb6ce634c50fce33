package dev.cachectl.warm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.testing.Await;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import dev.cachectl.testing.Processes;
import dev.cachectl.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.util.JedisClusterCRC16;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A warm into a Redis Cluster whose shape changes under it: a master lost before or during the run, a slot
 * moved, a slot moving.
 */
class WarmClusterTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void a_cluster_node_dying_mid_run_ends_every_lane_with_exit_4_and_counts_that_add_up() throws Exception {
        home.run("start", "shard", "--cluster", "3").assertOk();
        StringBuilder lines = new StringBuilder();
        for (int id = 0; id < 50_000; id++) {
            lines.append("{\"id\":").append(id).append(",\"v\":\"x\"}\n");
        }
        Files.writeString(home.workDir().resolve("many.jsonl"), lines);
        CompletableFuture<CliResult> run;
        try (JedisCluster cluster = new JedisCluster(new HostAndPort("127.0.0.1", home.port("shard")))) {
            run = warmUntil(cluster, "many.jsonl", "k:500");
            // a master other than the one the URL names goes away without a word
            String victim = cluster.getClusterNodes().keySet().stream()
                    .filter(node -> !node.endsWith(":" + home.port("shard"))).findFirst().orElseThrow();
            try (Jedis node = new Jedis(HostAndPort.from(victim))) {
                node.shutdown();
            } catch (RuntimeException expected) {
                // the connection closes as the server exits
            }
        }

        CliResult r = run.get(60, TimeUnit.SECONDS).assertExit(4);
        JsonNode summary = Json.MAPPER.readTree(r.out());
        assertEquals("partial", summary.get("outcome").asText(), r.toString());
        assertEquals(summary.get("read").asLong(), summary.get("written").asLong() + summary.get("skipped").asLong()
                + summary.get("malformed").asLong() + summary.get("failed").asLong(), "the counts add up: " + r.out());
        assertTrue(summary.get("read").asLong() < 50_000, "the run went on reading after a node died: " + r.out());
    }

    @Test
    void a_master_killed_before_the_run_is_exit_3_naming_it_and_nothing_is_written() throws Exception {
        home.run("start", "shard", "--cluster", "3").assertOk();
        Files.writeString(home.workDir().resolve("k1000.jsonl"), records(1_000));
        JsonNode victim = laterMaster();
        Processes.killAndWait(victim.get("pid").asLong());

        CliResult r = home.run("warm", "k1000.jsonl", "--to", "shard", "--key", "z1:{id}", "--value", "v").assertExit(3);
        assertEquals(1, r.err().lines().count(), "one line: " + r);
        assertTrue(r.err().contains("cluster degraded: node 127.0.0.1:" + victim.get("port").asInt() + " (master) is down"),
                r.toString());
        assertEquals(0, liveKeys(victim.get("port").asInt()), "nothing was written: " + r);
    }

    @Test
    void a_master_killed_after_the_check_before_the_first_batch_is_exit_3_naming_it_with_the_counts() throws Exception {
        home.run("start", "shard", "--cluster", "3").assertOk();
        JsonNode victim = laterMaster();
        byte[] records = records(1_000).getBytes(StandardCharsets.UTF_8);
        // the cluster check has passed and the slot map is read when warm first reads its input: the master dies then
        InputStream stdin = new SequenceInputStream(new InputStream() {
            @Override
            public int read() {
                Processes.killAndWait(victim.get("pid").asLong());
                return -1;
            }
        }, new ByteArrayInputStream(records));

        CliResult r = home.runWithInput(stdin, "warm", "-", "--to", "shard", "--key", "z1:{id}", "--value", "v", "--json")
                .assertExit(3);
        JsonNode summary = Json.MAPPER.readTree(r.out());
        assertTrue(summary.get("message").asText().contains("127.0.0.1:" + victim.get("port").asInt()), r.toString());
        assertEquals(3, summary.get("exit_code").asInt(), r.out());
        assertEquals(1_000, summary.get("read").asLong(), r.out());
        assertEquals(liveKeys(victim.get("port").asInt()), summary.get("written").asLong(), "written is what landed: " + r.out());
        assertEquals(summary.get("read").asLong(), summary.get("written").asLong() + summary.get("failed").asLong(), r.out());
        assertEquals(summary.get("failed").asLong(), summary.get("unconfirmed").asLong() + summary.get("not_sent").asLong(),
                r.out());
    }

    @Test
    void a_master_killed_mid_run_is_exit_4_and_written_counts_every_key_on_the_live_masters() throws Exception {
        home.run("start", "shard", "--cluster", "3").assertOk();
        Files.writeString(home.workDir().resolve("many.jsonl"), records(50_000));
        JsonNode victim = laterMaster();
        int deadPort = victim.get("port").asInt();
        List<String[]> masters;
        CompletableFuture<CliResult> run;
        try (Jedis any = new Jedis("127.0.0.1", home.port("shard"));
             JedisCluster cluster = new JedisCluster(new HostAndPort("127.0.0.1", home.port("shard")))) {
            masters = masters(any);
            run = warmUntil(cluster, "many.jsonl", "k:500");
            Processes.killAndWait(victim.get("pid").asLong());
        }

        CliResult r = run.get(60, TimeUnit.SECONDS).assertExit(4);
        JsonNode summary = Json.MAPPER.readTree(r.out());
        long written = summary.get("written").asLong();
        long failed = summary.get("failed").asLong();
        assertEquals(summary.get("read").asLong(), written + summary.get("skipped").asLong()
                + summary.get("malformed").asLong() + failed, "the counts add up: " + r.out());
        assertEquals(failed, summary.get("unconfirmed").asLong() + summary.get("not_sent").asLong(), r.out());
        // the killed master took its keys with it: the live ones hold exactly what they confirmed, which
        // written counts, with at most what the killed one confirmed before it died on top
        long live = liveKeys(deadPort);
        String[] dead = masters.stream().filter(f -> f[1].startsWith("127.0.0.1:" + deadPort + "@")).findFirst().orElseThrow();
        long readForDead = 0;
        for (int id = 0; id < summary.get("read").asLong(); id++) {
            readForDead += owns(dead, JedisClusterCRC16.getSlot("k:" + id)) ? 1 : 0;
        }
        assertTrue(live <= written, live + " keys on the live masters, but written says " + written + ": " + r.out());
        assertTrue(written <= live + readForDead, "written counts keys that never landed: " + live + " on the live masters, "
                + readForDead + " read for the killed one: " + r.out());
    }

    @Test
    void writes_to_a_slot_that_moves_mid_run_follow_it_to_its_new_owner() throws Exception {
        home.run("start", "shard", "--cluster", "3").assertOk();
        // 20,000 keys anywhere, then 2,000 under one hash tag, whose slot moves while the first part loads
        StringBuilder lines = new StringBuilder();
        for (int id = 0; id < 20_000; id++) {
            lines.append("{\"id\":\"n").append(id).append("\",\"v\":\"x\"}\n");
        }
        for (int id = 0; id < 2_000; id++) {
            lines.append("{\"id\":\"{late}").append(id).append("\",\"v\":\"y\"}\n");
        }
        Files.writeString(home.workDir().resolve("moving.jsonl"), lines);
        int slot = JedisClusterCRC16.getSlot("late");
        CompletableFuture<CliResult> run;
        try (Jedis any = new Jedis("127.0.0.1", home.port("shard"));
             JedisCluster cluster = new JedisCluster(new HostAndPort("127.0.0.1", home.port("shard")))) {
            run = warmUntil(cluster, "moving.jsonl", "k:n1000");
            // the empty slot goes to another master, as a reshard would move it
            List<String[]> masters = masters(any);
            String[] owner = owner(masters, slot);
            String[] next = masters.stream().filter(f -> f != owner).findFirst().orElseThrow();
            for (String[] node : List.of(next, owner, masters.stream().filter(f -> f != owner && f != next).findFirst().orElseThrow())) {
                try (Jedis j = new Jedis(HostAndPort.from(node[1].split("@")[0]))) {
                    assertEquals("OK", j.clusterSetSlotNode(slot, next[0]));
                }
            }
            assertFalse(run.isDone(), "the run ended before the slot moved: raise the record count");
        }

        CliResult r = run.get(60, TimeUnit.SECONDS).assertOk();
        JsonNode summary = Json.MAPPER.readTree(r.out());
        assertEquals(22_000, summary.get("written").asLong(), r.out());
        assertEquals(0, summary.get("failed").asLong(), r.out());
        try (JedisCluster cluster = new JedisCluster(new HostAndPort("127.0.0.1", home.port("shard")))) {
            assertEquals("y", cluster.get("k:{late}1999"));
        }
    }

    @Test
    void writes_to_a_slot_half_way_through_a_migration_go_to_the_node_it_moves_to() throws Exception {
        home.run("start", "shard", "--cluster", "3").assertOk();
        StringBuilder lines = new StringBuilder();
        for (int id = 0; id < 2_000; id++) {
            lines.append("{\"id\":\"n").append(id).append("\",\"v\":\"x\"}\n");
            lines.append("{\"id\":\"{mig}").append(id).append("\",\"v\":\"y\"}\n");
        }
        Files.writeString(home.workDir().resolve("migrating.jsonl"), lines);
        int slot = JedisClusterCRC16.getSlot("mig");
        try (Jedis any = new Jedis("127.0.0.1", home.port("shard"))) {
            // the slot half-way through a move, as cachectl rebalance or redis-cli --cluster reshard leaves it
            // between their steps: its old node answers ASK for a key it does not hold
            List<String[]> masters = masters(any);
            String[] owner = owner(masters, slot);
            String[] next = masters.stream().filter(f -> f != owner).findFirst().orElseThrow();
            try (Jedis from = new Jedis(HostAndPort.from(owner[1].split("@")[0]));
                 Jedis to = new Jedis(HostAndPort.from(next[1].split("@")[0]))) {
                from.set("k:{mig}0", "old"); // a key not moved yet: written where it is
                assertEquals("OK", to.clusterSetSlotImporting(slot, owner[0]));
                assertEquals("OK", from.clusterSetSlotMigrating(slot, next[0]));

                CliResult r = home.run("warm", "migrating.jsonl", "--to", "shard", "--key", "k:{id}", "--value", "v",
                        "--threads", "4", "--batch", "100", "--json").assertOk();
                JsonNode summary = Json.MAPPER.readTree(r.out());
                assertEquals(4_000, summary.get("written").asLong(), r.out());
                assertEquals(0, summary.get("failed").asLong(), r.out());
                assertEquals("y", from.get("k:{mig}0"), "the key on the old node was written there");
                assertEquals(1, from.clusterCountKeysInSlot(slot));
                assertEquals(1_999, to.clusterCountKeysInSlot(slot), "the other keys went to the node the slot moves to");
                // the move ends as a reshard ends it: the last key migrated, then the slot assigned
                HostAndPort toAddress = HostAndPort.from(next[1].split("@")[0]);
                assertEquals("OK", from.migrate(toAddress.getHost(), toAddress.getPort(), "k:{mig}0", 0, 5000));
            }
            for (String[] node : masters) {
                try (Jedis j = new Jedis(HostAndPort.from(node[1].split("@")[0]))) {
                    assertEquals("OK", j.clusterSetSlotNode(slot, next[0]));
                }
            }
        }
        try (JedisCluster cluster = new JedisCluster(new HostAndPort("127.0.0.1", home.port("shard")))) {
            assertEquals("y", cluster.get("k:{mig}0"));
            assertEquals("y", cluster.get("k:{mig}1999"));
            assertEquals("x", cluster.get("k:n1999"));
        }
    }

    /** {@code n} JSON Lines records, {"id":0,"v":"x"} …, one a line. */
    private static String records(int n) {
        StringBuilder lines = new StringBuilder();
        for (int id = 0; id < n; id++) {
            lines.append("{\"id\":").append(id).append(",\"v\":\"x\"}\n");
        }
        return lines.toString();
    }

    /** A master of "shard" other than the one its URL names first, as the state file records it. */
    private JsonNode laterMaster() {
        List<JsonNode> masters = new ArrayList<>();
        home.state("shard").get("nodes").forEach(n -> {
            if (!"replica".equals(n.path("role").asText()) && n.get("port").asInt() != home.port("shard")) {
                masters.add(n);
            }
        });
        return masters.get(0);
    }

    /** Keys on every node of "shard" but the one on {@code deadPort}. */
    private long liveKeys(int deadPort) {
        long keys = 0;
        for (JsonNode node : home.state("shard").get("nodes")) {
            if (node.get("port").asInt() != deadPort) {
                try (Jedis j = new Jedis("127.0.0.1", node.get("port").asInt())) {
                    keys += j.dbSize();
                }
            }
        }
        return keys;
    }

    /** The masters' CLUSTER NODES lines, split on spaces. */
    private static List<String[]> masters(Jedis any) {
        return any.clusterNodes().lines().map(l -> l.split(" ")).filter(f -> f[2].contains("master")).toList();
    }

    /** The master that serves {@code slot}. */
    private static String[] owner(List<String[]> masters, int slot) {
        return masters.stream().filter(f -> owns(f, slot)).findFirst().orElseThrow();
    }

    /** Whether a CLUSTER NODES line (split on spaces) lists {@code slot} among its ranges. */
    private static boolean owns(String[] fields, int slot) {
        for (int i = 8; i < fields.length; i++) {
            String[] range = fields[i].split("-");
            if (!range[0].startsWith("[") && Integer.parseInt(range[0]) <= slot
                    && slot <= Integer.parseInt(range[range.length - 1])) {
                return true;
            }
        }
        return false;
    }

    /** Starts a rate-limited warm of {@code file} into the cluster and returns once it has written {@code key}. */
    private CompletableFuture<CliResult> warmUntil(JedisCluster cluster, String file, String key) {
        CompletableFuture<CliResult> run = CompletableFuture.supplyAsync(() -> home.run("warm", file, "--to", "shard",
                "--key", "k:{id}", "--value", "v", "--rate", "5000", "--threads", "4", "--json"));
        Await.until(Duration.ofSeconds(20), "warm never got going", () -> {
            assertFalse(run.isDone(), () -> "warm ended early: " + run.join());
            return cluster.get(key) != null;
        });
        return run;
    }
}
