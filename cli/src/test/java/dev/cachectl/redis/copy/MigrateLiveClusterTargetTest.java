package dev.cachectl.redis.copy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.testing.Await;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CachectlProcess;
import dev.cachectl.testing.CliResult;
import dev.cachectl.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.util.JedisClusterCRC16;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code migrate --live} into a cluster target: multi-key writes split across the target's nodes, and a
 * resume after {@code kill -9} where the target's nodes hold different points of the stream.
 */
class MigrateLiveClusterTargetTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    /** The masters of a local cluster, each with the slot ranges it serves. */
    private Map<Integer, List<int[]>> masters(String cluster) {
        String url = home.run("start", cluster).assertOk().out().trim();
        String seed = url.substring("redis+cluster://".length()).split(",")[0];
        Map<Integer, List<int[]>> masters = new TreeMap<>();
        try (Jedis node = new Jedis("127.0.0.1", Integer.parseInt(seed.substring(seed.lastIndexOf(':') + 1)))) {
            for (String line : node.clusterNodes().split("\n")) {
                String[] f = line.split(" ");
                if (f[2].contains("master") && f.length > 8) {
                    List<int[]> ranges = new ArrayList<>();
                    for (int i = 8; i < f.length; i++) {
                        String[] r = f[i].split("-");
                        ranges.add(new int[]{Integer.parseInt(r[0]), Integer.parseInt(r[r.length - 1])});
                    }
                    masters.put(Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1, f[1].indexOf('@'))), ranges);
                }
            }
        }
        return masters;
    }

    /** A hash tag whose slot the master with {@code ranges} serves. */
    private static String tagOn(List<int[]> ranges) {
        for (int i = 0; ; i++) {
            int slot = JedisClusterCRC16.getSlot("{t" + i + "}");
            if (ranges.stream().anyMatch(r -> slot >= r[0] && slot <= r[1])) {
                return "{t" + i + "}";
            }
        }
    }

    private static Map<String, String> contents(Jedis jedis) {
        Map<String, String> all = new TreeMap<>();
        for (String key : jedis.keys("*")) {
            String type = jedis.type(key);
            String value = switch (type) {
                case "string" -> jedis.get(key);
                case "hash" -> new TreeMap<>(jedis.hgetAll(key)).toString();
                default -> type;
            };
            all.put(key, type + "=" + value);
        }
        return all;
    }

    @Test
    void splits_multi_key_writes_and_a_resume_after_kill_applies_no_write_twice_on_any_node() throws Exception {
        home.run("start", "src").assertOk();
        try (Jedis src = new Jedis("127.0.0.1", home.port("src"))) {
            src.configSet("repl-diskless-sync-delay", "0");
            src.configSet("repl-backlog-size", "64mb"); // the writes made while nothing follows stay resumable
            for (int i = 0; i < 200; i++) {
                src.set("k:" + i, "v" + i);
            }
        }
        home.run("start", "shard", "--cluster", "3").assertOk();
        Map<Integer, List<int[]>> masters = masters("shard");
        assertEquals(3, masters.size(), masters.keySet().toString());
        int nodeA = masters.keySet().iterator().next();
        String tagA = tagOn(masters.get(nodeA));

        // Phase 1 spreads writes over every node, MSET and multi-key DEL among them (split by node on the
        // target). Phase 2 writes only keys of node A: its marker runs ahead of the other nodes' and of the
        // checkpoint, which is saved once a second, so only A's own marker keeps its INCRs from applying twice.
        AtomicBoolean phase2 = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong rounds = new AtomicLong();
        CompletableFuture<Long> writing = CompletableFuture.supplyAsync(() -> {
            try (Jedis w = new Jedis("127.0.0.1", home.port("src"), 20_000)) {
                for (long r = 0; r < 400_000 && !stop.get(); r++, rounds.incrementAndGet()) {
                    if (phase2.get()) {
                        w.incr("p:" + tagA + ":" + r % 5);
                        w.hincrBy("h:" + tagA, "f" + r % 3, 1);
                        continue;
                    }
                    w.mset("m:" + r % 100, "r" + r, "m:" + (r + 33) % 100, "r" + r, "m:" + (r + 66) % 100, "r" + r);
                    w.incr("c:" + r % 20);
                    if (r % 5 == 0) {
                        w.mset("d:" + r % 40, "x", "d:" + (r + 7) % 40, "y");
                        w.del("d:" + r % 40, "d:" + (r + 7) % 40, "k:" + r % 200);
                    }
                }
            }
            return rounds.get();
        }, command -> new Thread(command, "writer").start());

        CachectlProcess follow = CachectlProcess.launch(home, "live", "migrate", "src", "shard", "--live");
        try (Jedis src = new Jedis("127.0.0.1", home.port("src")); Jedis a = new Jedis("127.0.0.1", nodeA)) {
            Await.until(Duration.ofSeconds(40), "the follow writing its marker on node A",
                    () -> src.info("replication").contains("slave0:")
                            && !a.keys(LiveFollow.MARKER_PREFIX + "*").isEmpty());
            long at = rounds.get();
            Await.until(Duration.ofSeconds(30), "phase 1 writes after the follow began", () -> rounds.get() > at + 300);
            phase2.set(true);
            Await.until(Duration.ofSeconds(30), "node A applying phase 2",
                    () -> a.get("p:" + tagA + ":0") != null && Long.parseLong(a.get("p:" + tagA + ":0")) > 200);
            TimeUnit.MILLISECONDS.sleep(1500); // past a checkpoint save or two, with A's writes still coming
            follow.signal("-KILL", false);
            follow.exitWithin(Duration.ofSeconds(10));
            TimeUnit.MILLISECONDS.sleep(300); // the writer goes on while nothing follows
            stop.set(true);
            assertTrue(writing.get(30, TimeUnit.SECONDS) > 0);

            CliResult result = home.run("--json", "migrate", "src", "shard", "--live", "--resume", "--until", "caught-up",
                    "--settle", "300ms");
            result.assertOk();
            assertTrue(result.err().isEmpty() || !result.err().contains("fresh snapshot"), result.err());
            JsonNode live = Json.MAPPER.readTree(result.out()).get("live");
            assertTrue(live.get("resumed_stream").asBoolean(), live.toString());
            assertEquals(0, live.get("commands_failed").asLong(), live.toString());
            assertEquals(0, live.get("commands_not_carried").asLong(), live.toString());

            Map<String, String> target = new TreeMap<>();
            for (int port : masters.keySet()) {
                try (Jedis node = new Jedis("127.0.0.1", port)) {
                    target.putAll(contents(node));
                }
            }
            assertEquals(contents(src), target);
        } finally {
            stop.set(true);
            if (follow.process().isAlive()) {
                follow.process().destroyForcibly();
            }
        }
    }
}
