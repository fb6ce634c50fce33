package dev.cachectl.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.testing.Await;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CachectlProcess;
import dev.cachectl.testing.CliResult;
import dev.cachectl.testing.Processes;
import dev.cachectl.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import dev.cachectl.redis.ClusterNodes;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.params.MigrateParams;
import redis.clients.jedis.util.JedisClusterCRC16;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void requests_n_performs_exactly_n_operations_as_the_server_counts_them() throws IOException {
        home.run("start", "b").assertOk();
        try (Jedis redis = new Jedis("127.0.0.1", home.port("b"))) {
            long before = calls(redis);
            CliResult r = home.run("--json", "bench", "b", "--requests", "5000", "--ratio", "1:1", "--no-preload",
                    "--clients", "7", "--pipeline", "3", "--keys", "500").assertOk();
            assertEquals(5000, calls(redis) - before, r.toString());
            JsonNode report = Json.MAPPER.readTree(r.out());
            assertEquals(5000, report.at("/overall/count").asLong());
            assertEquals(5000, report.at("/commands/0/count").asLong() + report.at("/commands/1/count").asLong());
            assertTrue(redis.keys("bench:*").size() <= 500, "keys stay inside the keyspace");
        }
    }

    @Test
    void a_preloaded_get_run_hits_every_time_and_an_empty_keyspace_never() throws IOException {
        home.run("start", "b").assertOk();
        JsonNode warm = Json.MAPPER.readTree(home.run("--json", "bench", "b", "--ratio", "0:1", "--keys", "1000",
                "--requests", "3000", "--key-pattern", "zipf").assertOk().out());
        assertEquals(1.0, warm.at("/gets/hit_ratio").asDouble(), warm.toString());
        assertEquals(1000, warm.at("/run/preloaded_keys").asLong());

        CliResult cold = home.run("--json", "bench", "b", "--ratio", "0:1", "--keys", "1000", "--requests", "3000",
                "--no-preload", "--key-prefix", "empty:").assertOk();
        JsonNode report = Json.MAPPER.readTree(cold.out());
        assertEquals(0.0, report.at("/gets/hit_ratio").asDouble());
        assertEquals(3000, report.at("/gets/misses").asLong());
        assertTrue(cold.err().contains("every GET missed"), cold.toString());
    }

    @Test
    void the_prefix_is_guarded_cleaned_up_and_a_replica_refused() throws IOException {
        home.run("start", "b").assertOk();
        home.run("start", "r").assertOk();
        try (Jedis redis = new Jedis("127.0.0.1", home.port("b"))) {
            redis.set("mine:1", "x");
            redis.set("mine:2", "x");
            CliResult held = home.run("bench", "b", "--key-prefix", "mine:", "--requests", "10").assertExit(2);
            assertTrue(held.err().contains("already holds 2 keys under 'mine:'"), held.toString());
            assertEquals(1, held.err().strip().lines().count(), held.toString());

            CliResult csv = home.run("bench", "b", "--requests", "2000", "--ratio", "1:1", "--cleanup", "--csv").assertOk();
            assertTrue(csv.out().startsWith("\"test\",\"rps\",\"avg_latency_ms\",\"min_latency_ms\",\"p50_latency_ms\","
                    + "\"p95_latency_ms\",\"p99_latency_ms\",\"max_latency_ms\"\n\"SET\","), csv.toString());
            assertTrue(redis.keys("bench:*").isEmpty(), "--cleanup leaves nothing under the prefix");
            assertEquals(2, redis.keys("mine:*").size(), "keys outside the prefix are left alone");

            Files.createDirectories(home.workDir());
            home.run("bench", "b", "--requests", "100", "--cleanup", "--hdr-out", "lat.hlog").assertOk();
            assertTrue(Files.readString(home.workDir().resolve("lat.hlog")).contains("#[Histogram log format version"));
        }
        try (Jedis replica = new Jedis("127.0.0.1", home.port("r"))) {
            replica.replicaof("127.0.0.1", home.port("b"));
            CliResult refused = home.run("bench", "r", "--requests", "10").assertExit(1);
            assertTrue(refused.err().contains("is a replica"), refused.toString());
            replica.replicaofNoOne();
        }
    }

    @Test
    void cleanup_with_force_removes_only_the_keys_bench_names_and_leaves_other_keys_under_the_prefix() throws IOException {
        home.run("start", "b").assertOk();
        try (Jedis redis = new Jedis("127.0.0.1", home.port("b"))) {
            redis.set("user:alice", "important");
            redis.set("user:10", "important");
            CliResult r = home.run("--json", "bench", "b", "--key-prefix", "user:", "--keys", "10", "--requests", "100",
                    "--cleanup", "--force").assertOk();
            assertEquals("important", redis.get("user:alice"), r.toString());
            assertEquals(Set.of("user:alice", "user:10"), redis.keys("user:*"), "bench's own keys (user:0-user:9) are gone: " + r);
            assertEquals(10, Json.MAPPER.readTree(r.out()).at("/run/cleaned_up_keys").asLong(), r.toString());
        }
    }

    @Test
    void bad_input_gets_one_line_and_exit_2_or_3() {
        CliResult ratio = home.run("bench", "redis://127.0.0.1:1", "--ratio", "0:0").assertExit(2);
        assertTrue(ratio.err().contains("--ratio"), ratio.toString());
        assertEquals(1, ratio.err().strip().lines().count(), ratio.toString());
        CliResult down = home.run("bench", "redis://127.0.0.1:1", "--requests", "10").assertExit(3);
        assertEquals(1, down.err().strip().lines().count(), down.toString());
        home.run("bench", "redis://127.0.0.1:1", "--key-pattern", "pareto").assertExit(2);
        for (String[] bad : List.of(new String[]{"--rate", "0"}, new String[]{"--duration", "0s"}, new String[]{"--requests", "0"})) {
            CliResult r = home.run("bench", "redis://127.0.0.1:1", bad[0], bad[1]).assertExit(2);
            assertTrue(r.err().contains(bad[0]), r.toString());
        }
        // checked before the target is even reached (it is down here), not after the run
        CliResult hdr = home.run("bench", "redis://127.0.0.1:1", "--requests", "10", "--hdr-out", "/nonexistent/h.hlog").assertExit(2);
        assertTrue(hdr.err().contains("cannot write the histogram log /nonexistent/h.hlog") && !hdr.err().contains("connection"),
                hdr.toString());
    }

    @Test
    void in_an_open_loop_a_paused_server_shows_in_latency_and_not_in_service_time() throws Exception {
        home.run("start", "b").assertOk();
        try (Jedis redis = new Jedis("127.0.0.1", home.port("b"))) {
            CompletableFuture<CliResult> run = CompletableFuture.supplyAsync(() -> home.run("--json", "bench", "b",
                    "--ratio", "0:1", "--keys", "100", "--rate", "1000", "--duration", "3s", "--clients", "4"));
            Await.until(Duration.ofSeconds(20), "bench never started its GETs", () -> {
                assertFalse(run.isDone(), () -> "bench ended early: " + run.join());
                return redis.info("commandstats").contains("cmdstat_get:calls=");
            });
            redis.clientPause(1000);
            JsonNode report = Json.MAPPER.readTree(run.get(30, TimeUnit.SECONDS).assertOk().out());
            double corrected = report.at("/overall/p90_ms").asDouble();
            double service = report.at("/service_time/1/p90_ms").asDouble();
            assertEquals("ALL", report.at("/service_time/1/command").asText(), report.toString());
            assertTrue(corrected >= 200, "the pause shows in the corrected p90: " + report);
            assertTrue(service < 100, "the pause does not show in the service time p90: " + report);
            assertEquals(1000.0, report.at("/open_loop/offered_rate").asDouble());
        }
    }

    @Test
    void a_cluster_target_spreads_keys_over_every_master() throws IOException {
        home.run("start", "c", "--cluster", "3").assertOk();
        CliResult r = home.run("--json", "bench", "c", "--requests", "3000", "--ratio", "1:1", "--keys", "2000",
                "--pipeline", "4", "--clients", "5").assertOk();
        JsonNode report = Json.MAPPER.readTree(r.out());
        JsonNode nodes = report.get("nodes");
        assertEquals(3, nodes.size(), r.toString());
        long sum = 0;
        for (JsonNode node : nodes) {
            assertTrue(node.get("ops").asLong() > 500, "every master takes its share: " + nodes);
            sum += node.get("ops").asLong();
            String[] address = node.get("address").asText().split(":");
            try (Jedis master = new Jedis(address[0], Integer.parseInt(address[1]))) {
                assertTrue(master.dbSize() > 300, "every master holds keys: " + nodes);
            }
        }
        assertEquals(3000, sum);
        assertEquals(0, report.get("errors").asLong(), r.toString());
        assertEquals(1.0, report.at("/gets/hit_ratio").asDouble(), "the preload reached every master: " + r);
        // the same --keys: cleanup removes the names this keyspace has, and only those
        home.run("bench", "c", "--requests", "100", "--keys", "2000", "--cleanup", "--force").assertOk();
        CliResult again = home.run("bench", "c", "--requests", "10").assertOk();
        assertTrue(again.out().contains("masters: "), again.toString());
    }

    @Test
    void a_master_lost_mid_run_is_exit_3_and_cleanup_empties_the_others_and_says_what_is_left() throws Exception {
        home.run("start", "k", "--cluster", "3").assertOk();
        JsonNode nodes = home.state("k").get("nodes");
        long victim = nodes.get(1).get("pid").asLong();
        CompletableFuture<CliResult> run = CompletableFuture.supplyAsync(() -> home.run("bench", "k", "--ratio", "1:0",
                "--keys", "300", "--rate", "500", "--duration", "20s", "--clients", "2", "--cleanup"));
        try (Jedis first = new Jedis("127.0.0.1", nodes.get(0).get("port").asInt())) {
            Await.until(Duration.ofSeconds(20), "bench never wrote", () -> {
                assertFalse(run.isDone(), () -> "bench ended early: " + run.join());
                return first.dbSize() > 10;
            });
        }
        ProcessHandle.of(victim).orElseThrow().destroyForcibly();
        CliResult r = run.get(60, TimeUnit.SECONDS).assertExit(3);
        assertTrue(r.err().contains("are left") && r.err().contains("cachectl bench k --key-prefix bench: --keys 300 "), r.toString());
        for (int n : new int[]{0, 2}) {
            try (Jedis survivor = new Jedis("127.0.0.1", nodes.get(n).get("port").asInt())) {
                assertEquals(0, survivor.dbSize(), "--cleanup emptied the masters that answer: " + r);
            }
        }
    }

    @Test
    void a_slot_moved_mid_run_is_followed_without_errors() throws Exception {
        home.run("start", "m", "--cluster", "3").assertOk();
        String key = "bench:000";
        int slot = JedisClusterCRC16.getSlot(key);
        CompletableFuture<CliResult> run = CompletableFuture.supplyAsync(() -> home.run("--json", "bench", "m",
                "--ratio", "1:1", "--keys", "1000", "--rate", "3000", "--duration", "4s", "--clients", "4"));
        try (JedisCluster cluster = new JedisCluster(new HostAndPort("127.0.0.1", home.port("m")))) {
            Await.until(Duration.ofSeconds(20), "bench never started its GETs", () -> {
                assertFalse(run.isDone(), () -> "bench ended early: " + run.join());
                return cluster.getClusterNodes().values().stream().anyMatch(pool -> {
                    try (var c = pool.getResource(); Jedis j = new Jedis(c)) {
                        return j.info("commandstats").contains("cmdstat_get:calls=");
                    }
                });
            });
        }
        moveSlot(slot);
        JsonNode report = Json.MAPPER.readTree(run.get(30, TimeUnit.SECONDS).assertOk().out());
        assertTrue(report.get("redirects").asLong() > 0, "MOVED or ASK was seen: " + report);
        assertEquals(0, report.get("errors").asLong(), report.toString());
    }

    /** Moves {@code slot} to another master the way redis-cli --cluster reshard does: IMPORTING, MIGRATING, MIGRATE, NODE. */
    private void moveSlot(int slot) {
        List<ClusterNodes.Node> masters = ClusterNodes.fetch(dev.cachectl.config.Endpoint.parse("redis://127.0.0.1:"
                + home.port("m")), Duration.ofSeconds(5)).stream().filter(ClusterNodes.Node::master).toList();
        ClusterNodes.Node from = masters.stream().filter(n -> n.slots().stream().anyMatch(r -> covers(r, slot))).findFirst().orElseThrow();
        ClusterNodes.Node to = masters.stream().filter(n -> n != from).findFirst().orElseThrow();
        try (Jedis src = new Jedis(from.host(), from.port()); Jedis dst = new Jedis(to.host(), to.port())) {
            dst.clusterSetSlotImporting(slot, from.id());
            src.clusterSetSlotMigrating(slot, to.id());
            List<String> keys;
            while (!(keys = src.clusterGetKeysInSlot(slot, 100)).isEmpty()) {
                src.migrate(to.host(), to.port(), 0, 5000, new MigrateParams().replace(), keys.toArray(String[]::new));
            }
            for (ClusterNodes.Node m : masters) {
                try (Jedis j = new Jedis(m.host(), m.port())) {
                    j.clusterSetSlotNode(slot, to.id());
                }
            }
        }
    }

    private static boolean covers(String range, int slot) {
        if (range.startsWith("[")) {
            return false;
        }
        String[] ends = range.split("-");
        int lo = Integer.parseInt(ends[0]);
        int hi = Integer.parseInt(ends[ends.length - 1]);
        return slot >= lo && slot <= hi;
    }

    @Test
    void eviction_mode_reports_each_policy_between_0_and_its_ideal_and_leaves_no_instance() throws IOException {
        CliResult r = home.run("--json", "bench", "-", "--mode", "eviction", "--policies", "allkeys-lru,volatile-ttl",
                "--maxmemory", "3mb", "--keys", "50000", "--requests", "15000", "--clients", "10", "--data-size", "500").assertOk();
        dev.cachectl.cli.BenchSchemas.valid("bench-eviction", r);
        JsonNode policies = Json.MAPPER.readTree(r.out()).get("policies");
        assertEquals(2, policies.size(), r.toString());
        for (JsonNode p : policies) {
            double hit = p.get("hit_ratio").asDouble();
            double ideal = p.get("ideal_hit_ratio").asDouble();
            assertTrue(hit > 0 && hit <= ideal + 0.02, "0 < hit ratio <= ideal: " + p);
            assertTrue(p.get("evictions").asLong() > 0, "the limit was reached: " + p);
        }
        assertFalse(Files.exists(home.root().resolve("instances")) && Files.list(home.root().resolve("instances")).findAny().isPresent(),
                "no temporary instance is left in the home");

        CliResult unknown = home.run("bench", "-", "--mode", "eviction", "--policies", "allkeys-lru,lifo").assertExit(2);
        assertTrue(unknown.err().contains("unknown eviction policy 'lifo'"), unknown.toString());
        assertEquals(1, unknown.err().strip().lines().count(), unknown.toString());
    }

    @Test
    void eviction_mode_whose_sets_are_refused_for_memory_is_partial_with_the_error() throws IOException {
        // an empty redis-server already uses about 0.9mb: at 1mb even allkeys-lru has too little to evict, SETs get OOM
        CliResult r = home.run("--json", "bench", "-", "--mode", "eviction", "--policies", "allkeys-lru", "--maxmemory", "1mb",
                "--keys", "2000", "--requests", "500", "--clients", "2").assertExit(4);
        JsonNode report = dev.cachectl.cli.BenchSchemas.valid("bench-eviction", r);
        assertEquals("partial", report.get("outcome").asText(), r.toString());
        JsonNode policy = report.at("/policies/0");
        assertTrue(policy.get("errors").asLong() > 0, r.toString());
        assertTrue(policy.get("first_error").asText().startsWith("OOM"), r.toString());
        assertTrue(r.err().contains("allkeys-lru: ") && r.err().contains("answered with an error, the first: OOM"), r.toString());
    }

    @Test
    void cold_start_times_each_start_computes_the_break_even_and_leaves_no_process() throws IOException {
        CliResult r = home.run("--json", "bench", "-", "--mode", "cold-start", "--starts", "2", "--backend-latency", "2ms").assertOk();
        JsonNode report = dev.cachectl.cli.BenchSchemas.valid("bench-cold-start", r);
        assertEquals(2, report.get("starts").size());
        for (JsonNode start : report.get("starts")) {
            assertTrue(start.get("to_first_pong_ms").asDouble() > 0
                    && start.get("to_first_command_ms").asDouble() >= start.get("to_first_pong_ms").asDouble(), r.toString());
        }
        double median = (report.at("/starts/0/to_first_command_ms").asDouble() + report.at("/starts/1/to_first_command_ms").asDouble()) / 2;
        assertEquals(median, report.get("median_to_first_command_ms").asDouble(), 0.001, "the median of two is their mean: " + r);
        double saved = report.get("saved_per_op_ms").asDouble();
        assertEquals(2.0, report.get("backend_latency_ms").asDouble());
        assertTrue(saved > 0 && saved < 2, r.toString());
        assertEquals((long) Math.ceil(report.get("median_to_first_command_ms").asDouble() / saved),
                report.get("break_even_ops").asLong());
        assertFalse(Files.exists(home.root().resolve("instances")) && Files.list(home.root().resolve("instances")).findAny().isPresent(),
                "no temporary instance is left in the home");
    }

    @Test
    void vs_map_runs_the_same_mix_in_process_and_against_the_target_side_by_side() throws IOException {
        home.run("start", "b").assertOk();
        CliResult r = home.run("--json", "bench", "b", "--mode", "vs-map", "--requests", "3000", "--keys", "500", "--cleanup").assertOk();
        JsonNode report = dev.cachectl.cli.BenchSchemas.valid("bench-vs-map", r);
        assertEquals(3000, report.at("/map_overall/count").asLong());
        assertEquals(3000, report.at("/target/overall/count").asLong());
        assertTrue(report.at("/map_overall/p50_ms").asDouble() < report.at("/target/overall/p50_ms").asDouble(),
                "a map lookup is cheaper than a round trip: " + r.out());
        CliResult table = home.run("bench", "b", "--mode", "vs-map", "--requests", "500", "--keys", "100", "--cleanup").assertOk();
        assertTrue(table.out().contains("in-process map") && table.out().contains("\nb "), table.toString());
    }

    @Test
    void eviction_mode_interrupted_reports_the_policies_measured_and_leaves_no_instance() throws Exception {
        CachectlProcess bench = CachectlProcess.launch(home, "bench.log", "--json", "--progress", "none", "bench", "-",
                "--mode", "eviction", "--policies", "allkeys-lru,allkeys-lfu", "--maxmemory", "3mb", "--keys", "20000",
                "--requests", "60000", "--clients", "2");
        // the first policy is measured: SIGINT while the second starts or warms up
        awaitInstance(bench, "bench-allkeys-lfu-");
        bench.signal("-INT", false);
        JsonNode report = interruptedReport(bench, "bench-eviction");
        assertEquals(1, report.get("policies").size(), bench.log());
        assertEquals("allkeys-lru", report.at("/policies/0/policy").asText(), bench.log());
        assertTrue(report.at("/policies/0/hit_ratio").asDouble() > 0, bench.log());
        assertTrue(report.get("message").asText().startsWith("interrupted by SIGINT: 1 of 2 policies measured"), bench.log());
        assertNothingLeft();
    }

    @Test
    void cold_start_interrupted_reports_the_starts_measured_and_leaves_no_instance() throws Exception {
        CachectlProcess bench = CachectlProcess.launch(home, "bench.log", "--json", "--progress", "none", "bench", "-",
                "--mode", "cold-start", "--starts", "50");
        awaitInstance(bench, "bench-cold-" + bench.pid() + "-3");
        bench.signal("-INT", false);
        JsonNode report = interruptedReport(bench, "bench-cold-start");
        int measured = report.get("starts").size();
        assertTrue(measured >= 2 && measured < 50, bench.log());
        assertTrue(report.get("median_to_first_command_ms").asDouble() > 0, bench.log());
        assertTrue(report.get("cache_latency_ms").isNull() && report.get("break_even_ops").isNull(), bench.log());
        assertNothingLeft();
    }

    @Test
    void a_bench_killed_with_sigkill_leaves_its_temporary_instance_to_the_supervisor() throws Exception {
        CachectlProcess bench = longEvictionBench();
        String name = "bench-allkeys-lru-" + bench.pid();
        long pid = home.pid(name);
        bench.signal("-KILL", true);
        bench.exitWithin(Duration.ofSeconds(30));
        Await.until(Duration.ofSeconds(30), () -> name + " outlived the bench that was killed: " + home.run("status").out(),
                () -> !Processes.alive(pid) && !Files.exists(home.instanceDir(name)));
        assertNothingLeft();
    }

    @Test
    void a_stop_by_hand_of_a_temporary_instance_names_the_bench_that_uses_it() throws Exception {
        CachectlProcess bench = longEvictionBench();
        String name = "bench-allkeys-lru-" + bench.pid();
        CliResult stop = home.run("stop", name).assertOk();
        assertTrue(stop.err().contains("it was in use by a 'cachectl bench --mode eviction' (pid " + bench.pid() + "), which loses it"),
                stop.toString());
        bench.exitWithin(Duration.ofSeconds(30));
        assertNothingLeft();
    }

    @Test
    void vs_map_stops_its_map_phase_on_sigterm_and_reports_it_without_driving_the_target() throws Exception {
        home.run("start", "b").assertOk();
        CachectlProcess bench = CachectlProcess.launch(home, "bench.log", "--json", "--progress", "none", "bench", "b",
                "--mode", "vs-map", "--requests", "2000000000", "--clients", "2", "--keys", "1000", "--key-prefix", "by:");
        Await.until(Duration.ofSeconds(30), () -> "the map phase never began: " + bench.log(), () -> threadNamed(bench, "bench-map-"));
        bench.signal("-TERM", false);
        JsonNode report = interruptedReport(bench, "bench-vs-map");
        long count = report.at("/map_overall/count").asLong();
        assertTrue(count > 0 && count < 2_000_000_000L, bench.log());
        assertTrue(report.get("target").isNull(), bench.log());
        try (Jedis redis = new Jedis("127.0.0.1", home.port("b"))) {
            assertTrue(redis.keys("by:*").isEmpty(), "the target was not driven");
        }
    }

    @Test
    void modes_that_start_servers_of_their_own_are_refused_where_servers_are_managed_elsewhere() {
        home.env().put("CACHECTL_EXTERNAL_ONLY", "1");
        for (String mode : List.of("eviction", "cold-start")) {
            CliResult r = home.run("bench", "-", "--mode", mode, "--policies", "volatile-ttl").assertExit(3);
            assertTrue(r.err().contains("bench --mode " + mode + " starts temporary servers of its own")
                    && r.err().contains("CACHECTL_EXTERNAL_ONLY is set") && !r.err().contains("REDIS_BENCH"), r.toString());
            assertEquals(1, r.err().strip().lines().count(), r.toString());
        }
        assertFalse(Files.exists(home.root().resolve("instances")) && home.root().resolve("instances").toFile().list().length > 0,
                "nothing was created in the home");
    }

    /** An eviction bench of one policy that runs for a while, returned once its temporary instance runs. */
    private CachectlProcess longEvictionBench() throws IOException {
        CachectlProcess bench = CachectlProcess.launch(home, "bench.log", "--json", "--progress", "none", "bench", "-",
                "--mode", "eviction", "--policies", "allkeys-lru", "--maxmemory", "3mb", "--keys", "20000",
                "--requests", "2000000", "--clients", "2");
        String name = "bench-allkeys-lru-" + bench.pid();
        Await.until(Duration.ofSeconds(60), () -> "bench never started " + name + ": " + bench.log(), () -> {
            assertTrue(bench.process().isAlive(), () -> "bench ended early: " + bench.log());
            return home.hasState(name);
        });
        return bench;
    }

    /** Waits until bench has created the instance folder whose name starts with {@code name}. */
    private void awaitInstance(CachectlProcess bench, String name) {
        Path instances = home.root().resolve("instances");
        Await.until(Duration.ofSeconds(60), () -> "no instance " + name + "* appeared: " + bench.log(), () -> {
            assertTrue(bench.process().isAlive(), () -> "bench ended early: " + bench.log());
            String[] names = instances.toFile().list();
            return names != null && java.util.Arrays.stream(names).anyMatch(n -> n.startsWith(name));
        });
    }

    /** Exit 130 and its JSON report (in the log, from a line "{" to a line "}"), valid and {@code interrupted}. */
    private static JsonNode interruptedReport(CachectlProcess bench, String schema) throws Exception {
        int exit = bench.exitWithin(Duration.ofSeconds(30));
        String log = bench.log();
        assertEquals(130, exit, log);
        int from = log.indexOf("{\n");
        int to = log.indexOf("\n}\n", from);
        assertTrue(from >= 0 && to > from && (from == 0 || log.charAt(from - 1) == '\n'), "no report: " + log);
        String json = log.substring(from, to + 2);
        JsonNode report = dev.cachectl.cli.BenchSchemas.valid(schema, new CliResult(exit, json, log));
        assertEquals("interrupted", report.get("outcome").asText(), log);
        return report;
    }

    /** No instance folder (so no state) in the home, and no server running from it. */
    private void assertNothingLeft() throws IOException {
        Path instances = home.root().resolve("instances");
        if (Files.isDirectory(instances)) {
            try (var left = Files.list(instances)) {
                assertEquals(List.of(), left.map(p -> p.getFileName().toString()).toList(), "temporary instances left in the home");
            }
        }
        String root = home.root().toString();
        // the home's supervisor, which watches a temporary instance in case bench is killed, exits once it is gone
        Await.until(Duration.ofSeconds(30), () -> "a process of the home still runs", () -> ProcessHandle.allProcesses()
                .noneMatch(p -> p.info().commandLine().orElse("").contains(root)));
        assertEquals(List.of(), ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(root))
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("")).toList(), "servers left running");
    }

    /** Whether one of the process's threads is named {@code prefix}... (Linux: /proc/PID/task/TID/comm). */
    private static boolean threadNamed(CachectlProcess process, String prefix) throws IOException {
        try (var tasks = Files.list(Path.of("/proc", Long.toString(process.pid()), "task"))) {
            return tasks.anyMatch(t -> {
                try {
                    return Files.readString(t.resolve("comm")).startsWith(prefix);
                } catch (IOException e) {
                    return false;
                }
            });
        }
    }

    /** SETs and GETs the server has processed (commandstats). */
    static long calls(Jedis redis) {
        long n = 0;
        for (String line : redis.info("commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_set:") || line.startsWith("cmdstat_get:")) {
                n += Long.parseLong(line.replaceAll("^[^:]*:calls=(\\d+),.*", "$1"));
            }
        }
        return n;
    }
}
