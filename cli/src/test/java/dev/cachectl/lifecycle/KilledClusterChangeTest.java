package dev.cachectl.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.testing.Await;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CachectlProcess;
import dev.cachectl.testing.CliResult;
import dev.cachectl.testing.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A cachectl killed (SIGKILL) while it starts, grows or shrinks a cluster: whatever it launched is found by
 * the next command from the instance's folder, and the cluster can be stopped, grown and shrunk again.
 */
class KilledClusterChangeTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void nodes_of_a_cluster_start_killed_before_its_state_are_named_by_status_and_stopped_by_stop_all() throws Exception {
        Path dir = home.instanceDir("c");
        List<Long> orphans = List.of();
        // the window, from the first node's launch to the state file, lasts milliseconds: frozen (SIGSTOP) as soon as a
        // node's log appears, the start is checked to be inside it before it is killed, and tried again if it was not
        for (int attempt = 1; orphans.isEmpty(); attempt++) {
            assertTrue(attempt <= 8, "no start was caught between its first node's launch and its state file");
            CachectlProcess start = CachectlProcess.launch(home, "start-" + attempt + ".log", "start", "c", "--cluster", "3",
                    "--wait", "60s");
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!nodeLogExists(dir) && start.process().isAlive() && System.nanoTime() < deadline) {
                LockSupport.parkNanos(200_000);
            }
            assertTrue(start.process().isAlive(), "the start ended before a node was launched: " + start.log());
            start.signal("-STOP", false);
            boolean unrecorded = !home.hasState("c");
            start.signal("-KILL", false);
            start.exitWithin(Duration.ofSeconds(10));
            if (unrecorded && Await.eventually(Duration.ofSeconds(2), () -> !serversIn(dir).isEmpty())) {
                orphans = serversIn(dir);
            } else {
                home.run("stop", "c", "--purge");
            }
        }

        // status finds a server by the port it listens on: a node caught between its launch and its listen shows once
        // it listens
        CliResult[] status = new CliResult[1];
        Await.until(Duration.ofSeconds(20), () -> "status never named the servers left running: " + status[0], () -> {
            status[0] = home.run("status", "c").assertExit(3);
            return status[0].toString().contains("a server still runs from its folder");
        });
        CliResult refused = home.run("start", "c", "--cluster", "3").assertExit(1);
        assertTrue(refused.err().contains("'cachectl stop c' stops"), refused.toString());
        assertFalse(refused.err().contains("--persist"), refused.toString());

        CliResult stopped = home.run("stop", "--all").assertOk();
        assertTrue(stopped.out().contains("stopped c"), stopped.toString());
        for (long pid : orphans) {
            assertFalse(Processes.alive(pid), "node " + pid + " left running: " + stopped);
        }
        assertFalse(Files.exists(dir), "its folder was left: " + stopped);

        home.run("start", "c", "--cluster", "3", "--wait", "60s").assertOk();
        home.run("stop", "c").assertOk();
    }

    @Test
    void a_persist_cluster_whose_first_start_was_killed_while_its_nodes_launched_starts_again_with_its_shape() throws Exception {
        Path dir = home.instanceDir("p");
        // the launches take milliseconds: the start is frozen as soon as a node's log appears, and killed there when it
        // has left fewer node folders than its shape (tried again when it had launched them all)
        for (int attempt = 1; ; attempt++) {
            assertTrue(attempt <= 8, "no start was caught before it had launched its last node");
            CachectlProcess start = CachectlProcess.launch(home, "start-" + attempt + ".log", "start", "p", "--cluster", "3x0",
                    "--persist", "--wait", "60s");
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!nodeLogExists(dir) && start.process().isAlive() && System.nanoTime() < deadline) {
                LockSupport.parkNanos(200_000);
            }
            assertTrue(start.process().isAlive(), "the start ended before a node was launched: " + start.log());
            start.signal("-STOP", false);
            boolean caught = !home.hasState("p") && nodeDirs(dir) < 3;
            start.signal("-KILL", false);
            start.exitWithin(Duration.ofSeconds(10));
            if (caught) {
                break;
            }
            home.run("stop", "p", "--purge").assertOk();
        }
        // a node launched just before the kill runs from the folder (found by the port it listens on, once it does):
        // the way out a start names for it
        Await.until(Duration.ofSeconds(10), "the nodes launched before the kill listen",
                () -> serversIn(dir).size() == listening(dir));
        boolean nodesRan = !serversIn(dir).isEmpty();
        CliResult stopped = home.run("stop", "p").assertOk();
        assertTrue(serversIn(dir).isEmpty(), "stop left a node running");
        // a cluster keeps its data in its node folders, which are in the instance's (a stop that found no node running
        // says it was not running, and nothing of data)
        assertFalse(stopped.err().contains(dir.resolve("data").toString()), stopped.toString());
        assertTrue(!nodesRan || stopped.err().contains("data kept in " + dir + " (--purge removes it)"), stopped.toString());

        CliResult started = home.run("start", "p", "--cluster", "3x0", "--persist", "--wait", "60s").assertOk();
        assertTrue(started.err().contains("killed before it formed the cluster held no data"), started.toString());
        assertEquals(3, ports(home.state("p")).size(), started.toString());
        assertEquals(3, nodeDirs(dir), started.toString());
        home.run("status", "p").assertOk();
        home.run("stop", "p").assertOk();
        // what it keeps now is a cluster's data: its next start comes back on the same ports
        home.run("start", "p", "--wait", "60s").assertOk();
        home.run("stop", "p", "--purge").assertOk();
    }

    @Test
    void a_start_of_the_running_shape_after_a_killed_growth_removes_the_node_the_growth_left() throws Exception {
        long leftover = twoMastersAndAKilledGrowth("s");
        CliResult same = home.run("start", "s", "--cluster", "2").assertOk();
        assertTrue(same.err().contains("already running"), same.toString());
        assertLeftoverDropped("s", same, leftover, 2);
        assertEquals(2, nodeDirs(home.instanceDir("s")), same.toString());
        home.run("stop", "s").assertOk();
    }

    @Test
    void a_growth_killed_after_its_node_joined_is_undone_by_the_next_growth_and_by_stop() throws Exception {
        long first = twoMastersAndAKilledGrowth("g");
        int seed = home.port("g");
        CliResult grown = home.run("start", "g", "--cluster", "3").assertOk();
        assertEquals(3, ports(home.state("g")).size(), home.state("g").toString());
        assertLeftoverDropped("g", grown, first, 3);

        long second = killGrowthOnceJoined("g", seed, 4);
        CliResult stopped = home.run("stop", "g").assertOk();
        assertFalse(Processes.alive(second), "stop left the node of the killed growth running: " + stopped);
        assertFalse(Files.exists(home.instanceDir("g")), stopped.toString());
    }

    @Test
    void a_node_removal_killed_after_the_node_exited_is_finished_by_the_next_one() throws Exception {
        home.run("start", "k", "--cluster", "2").assertOk();
        List<Integer> before = ports(home.state("k"));
        home.run("start", "k", "--cluster", "3").assertOk();
        JsonNode state = home.state("k");
        JsonNode added = null;
        for (JsonNode n : state.get("nodes")) {
            if (!before.contains(n.get("port").asInt())) {
                added = n;
            }
        }
        int addedPort = added.get("port").asInt();
        long addedPid = added.get("pid").asLong();
        String firstPid = state.get("nodes").get(0).get("pid").asText();

        // a frozen node holds the removal in its first CLUSTER FORGET, after the removed node has exited
        Processes.output("kill", "-STOP", firstPid);
        try {
            CachectlProcess removal = CachectlProcess.launch(home, "remove.log", "stop", "k", "--node", "127.0.0.1:" + addedPort);
            Await.until(Duration.ofSeconds(30), () -> "the removed node exits: " + removal.log(), () -> !Processes.alive(addedPid));
            removal.signal("-KILL", false);
            removal.exitWithin(Duration.ofSeconds(10));
        } finally {
            Processes.output("kill", "-CONT", firstPid);
        }
        assertEquals(3, home.state("k").get("nodes").size(), "the killed removal recorded nothing");

        CliResult removed = home.run("stop", "k", "--node", "127.0.0.1:" + addedPort).assertOk();
        assertTrue(removed.out().contains("removed node 127.0.0.1:" + addedPort), removed.toString());
        List<Integer> ports = ports(home.state("k"));
        assertEquals(before, ports, removed.toString());
        for (int port : ports) {
            Await.until(Duration.ofSeconds(10), "node " + port + " forgot the removed node and is ok",
                    () -> known(port) == 2 && clusterOk(port));
        }
        home.run("status", "k").assertOk();
        home.run("stop", "k").assertOk();
    }

    /** Starts {@code name} with 2 masters and {@link #killGrowthOnceJoined kills its growth} to 3; the new master's pid. */
    private long twoMastersAndAKilledGrowth(String name) throws Exception {
        home.run("start", name, "--cluster", "2").assertOk();
        return killGrowthOnceJoined(name, home.port(name), 3);
    }

    /**
     * Grows {@code name} to {@code masters} in a process of its own and kills it once the new master has joined (its
     * seed knows it) and before the growth is recorded; returns the new master's pid.
     */
    private long killGrowthOnceJoined(String name, int seed, int masters) throws Exception {
        CachectlProcess grow = CachectlProcess.launch(home, "grow-" + masters + ".log", "start", name, "--cluster",
                Integer.toString(masters), "--wait", "60s");
        Await.until(Duration.ofSeconds(30), () -> "the new master joins: " + grow.log(), () -> known(seed) == masters);
        grow.signal("-STOP", false);
        JsonNode state = home.state(name);
        List<Long> recorded = new ArrayList<>();
        state.get("nodes").forEach(n -> recorded.add(n.get("pid").asLong()));
        List<Long> unrecorded = serversIn(home.instanceDir(name)).stream().filter(p -> !recorded.contains(p)).toList();
        grow.signal("-KILL", false);
        grow.exitWithin(Duration.ofSeconds(10));
        assertEquals(masters - 1, recorded.size(), "the growth was recorded before it could be killed: " + state);
        assertEquals(1, unrecorded.size(), "the new master: " + unrecorded);
        return unrecorded.get(0);
    }

    /**
     * {@code result} said it removed the node {@code pid} a killed growth left, which no longer runs, and every node of
     * the cluster's state knows the {@code nodes} recorded ones only and reports the cluster ok.
     */
    private void assertLeftoverDropped(String name, CliResult result, long pid, int nodes) {
        assertTrue(result.err().contains("launched by an interrupted growth"), result.toString());
        assertFalse(Processes.alive(pid), "the node the killed growth launched still runs: " + result);
        for (int port : ports(home.state(name))) {
            Await.until(Duration.ofSeconds(10), "node " + port + " knows the " + nodes + " nodes and is ok",
                    () -> known(port) == nodes && clusterOk(port));
        }
    }

    private static boolean nodeLogExists(Path dir) {
        try (Stream<Path> nodes = Files.isDirectory(dir) ? Files.list(dir) : Stream.empty()) {
            return nodes.anyMatch(p -> p.getFileName().toString().startsWith("node-") && Files.exists(p.resolve("server.log")));
        } catch (IOException e) {
            return false;
        }
    }

    private static int nodeDirs(Path dir) {
        try (Stream<Path> nodes = Files.isDirectory(dir) ? Files.list(dir) : Stream.empty()) {
            return (int) nodes.filter(p -> p.getFileName().toString().startsWith("node-")).count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The node folders of {@code dir} whose port a process listens on. */
    private static long listening(Path dir) throws IOException {
        try (Stream<Path> nodes = Files.isDirectory(dir) ? Files.list(dir) : Stream.empty()) {
            return nodes.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("node-"))
                    .filter(n -> dev.cachectl.util.Ports.ownerPid(Integer.parseInt(n.substring("node-".length()))).isPresent())
                    .count();
        }
    }

    /** The redis-server processes working in a folder under {@code dir}: the nodes launched there. */
    private static List<Long> serversIn(Path dir) {
        return ProcessHandle.allProcesses().filter(p -> Processes.alive(p.pid()))
                .filter(p -> Processes.commandLine(p).contains("redis-server")).filter(p -> {
                    try {
                        return Files.readSymbolicLink(Path.of("/proc", Long.toString(p.pid()), "cwd")).startsWith(dir);
                    } catch (IOException | SecurityException e) {
                        return false;
                    }
                }).map(ProcessHandle::pid).toList();
    }

    private static List<Integer> ports(JsonNode state) {
        List<Integer> ports = new ArrayList<>();
        state.get("nodes").forEach(n -> ports.add(n.get("port").asInt()));
        return ports;
    }

    /** The nodes {@code port} knows, handshakes aside. */
    private static long known(int port) {
        try (Jedis node = new Jedis("127.0.0.1", port)) {
            return node.clusterNodes().lines().filter(l -> !l.isBlank() && !l.contains("handshake")).count();
        }
    }

    private static boolean clusterOk(int port) {
        try (Jedis node = new Jedis("127.0.0.1", port)) {
            return node.clusterInfo().contains("cluster_state:ok");
        }
    }
}
