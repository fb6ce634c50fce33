package dev.cachectl.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.testing.Await;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import dev.cachectl.testing.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.JedisCluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static dev.cachectl.lifecycle.ClusterTest.pids;
import static dev.cachectl.lifecycle.ClusterTest.seeds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The instance settings a cluster shares with a standalone server: --persist, --idle-timeout, the bundled binary. */
class ClusterOptionsTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void persistent_cluster_comes_back_on_its_ports_with_its_data_and_purge_removes_it() throws Exception {
        String url = home.run("start", "durable", "--cluster", "2x1", "--persist").assertOk().out().trim();
        try (JedisCluster cluster = new JedisCluster(seeds(url), DefaultJedisClientConfig.builder().build())) {
            for (int i = 0; i < 50; i++) {
                cluster.set("key:" + i, "v" + i);
            }
        }
        CliResult stop = home.run("stop", "durable").assertOk();
        assertTrue(stop.err().contains("data kept in " + home.instanceDir("durable")), stop.toString());
        assertFalse(home.hasState("durable"));

        CliResult otherShape = home.run("start", "durable", "--cluster", "3").assertExit(2);
        assertTrue(otherShape.err().contains("keeps the data of a cluster 2x1"), otherShape.toString());

        // its shape and persistence are recorded: the name alone brings it back
        assertEquals(url, home.run("start", "durable").assertOk().out().trim(),
                "a kept cluster comes back on the same ports");
        List<String> roles = home.state("durable").findValuesAsText("role");
        assertEquals(List.of("master", "master", "replica", "replica"), roles);
        try (JedisCluster cluster = new JedisCluster(seeds(url), DefaultJedisClientConfig.builder().build())) {
            for (int i = 0; i < 50; i++) {
                assertEquals("v" + i, cluster.get("key:" + i));
            }
        }
        home.run("stop", "durable", "--purge").assertOk();
        assertFalse(Files.exists(home.instanceDir("durable")), "purge left the kept data");
    }

    @Test
    void idle_cluster_is_stopped_as_one_instance_while_traffic_on_any_node_keeps_it() throws Exception {
        String url = home.run("start", "idle", "--cluster", "1x1", "--idle-timeout", "2s").assertOk().out().trim();
        List<Long> pids = pids(home.state("idle"));

        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread client = new Thread(() -> {
            try (JedisCluster cluster = new JedisCluster(seeds(url), DefaultJedisClientConfig.builder().build())) {
                for (int i = 0; !done.get(); i++) {
                    cluster.set("tick", Integer.toString(i));
                    Thread.sleep(300); // paces the traffic: a client command every 300 ms, well inside the timeout
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "cluster-client");
        client.start();
        try {
            // longer than the 2 s timeout, so a supervisor that ignored the traffic would have stopped it
            Await.holdsFor(Duration.ofSeconds(3), () -> "a cluster in use was stopped:\n" + supervisorLog(),
                    () -> home.hasState("idle") && pids.stream().allMatch(Processes::alive));
        } finally {
            done.set(true);
            client.join();
        }
        assertNull(failure.get(), () -> "client failed: " + failure.get());

        // the supervisor removes the state, then the folder: wait for both, not only the processes
        assertTrue(Processes.eventually(Duration.ofSeconds(15),
                        () -> !home.hasState("idle") && pids.stream().noneMatch(Processes::alive)
                                && !Files.exists(home.instanceDir("idle"))),
                "idle cluster still running, or its folder left behind:\n" + supervisorLog());
    }

    @Test
    void bundled_redis_6_2_forms_a_cluster_with_addslots() throws Exception {
        assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux")
                && System.getProperty("os.arch").matches("amd64|x86_64"), "the bundled binary checked here is linux-amd64");
        Path emptyBin = Files.createDirectory(home.workDir().resolve("empty-bin"));
        home.env().put("PATH", emptyBin.toString());

        String url = home.run("start", "old", "--cluster", "2x1", "--password", "pw").assertOk().out().trim();
        JsonNode state = home.state("old");
        assertTrue(state.get("version").asText().startsWith("6.2"), state.toString());
        assertEquals("embedded", state.get("binary_source").asText());
        try (JedisCluster cluster = new JedisCluster(seeds(url), DefaultJedisClientConfig.builder().password("pw").build())) {
            for (int i = 0; i < 50; i++) {
                cluster.set("key:" + i, "v" + i);
                assertEquals("v" + i, cluster.get("key:" + i));
            }
        }
        home.run("status", "old").assertOk();
        home.run("stop", "old").assertOk();
        assertTrue(pids(state).stream().noneMatch(Processes::alive), "a node survived stop");
    }

    private String supervisorLog() {
        try {
            return Files.readString(home.root().resolve("supervisor.log"));
        } catch (java.io.IOException e) {
            return "(no supervisor.log)";
        }
    }
}
