package dev.cachectl.lifecycle;

import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import dev.cachectl.testing.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A cluster start that cannot succeed says why in one line, exits non-zero, and leaves no node, state or folder behind. */
class ClusterFailureTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void a_taken_node_port_fails_naming_it_and_starts_nothing() throws IOException {
        int first = freeClusterPorts(3);
        try (ServerSocket taken = listen(first + 1)) {
            CliResult result = home.run("start", "shard", "--cluster", "3", "--port", Integer.toString(first)).assertExit(1);
            List<String> lines = result.err().lines().toList();
            assertEquals(1, lines.size(), result.toString());
            assertTrue(lines.get(0).contains("port " + (first + 1) + " (node 2 of 3) is already in use"), result.toString());
            assertEquals("", result.out(), result.toString());
            assertNothingLeftBehind("shard");
        }
    }

    @Test
    void a_taken_cluster_bus_port_fails_naming_it_and_starts_nothing() throws IOException {
        int first = freeClusterPorts(3);
        try (ServerSocket taken = listen(first + 2 + 10000)) {
            CliResult result = home.run("start", "shard", "--cluster", "3", "--port", Integer.toString(first)).assertExit(1);
            assertTrue(result.err().contains("port " + (first + 10002) + " (the cluster bus port of node 3 of 3, on port "
                    + (first + 2) + ") is already in use"), result.toString());
            assertNothingLeftBehind("shard");
        }
    }

    @Test
    void a_node_that_exits_during_start_shows_its_log_and_every_other_node_is_stopped() throws IOException {
        int first = freeClusterPorts(3);
        Path fake = home.workDir().resolve("redis-server");
        Files.writeString(fake, """
                #!/bin/sh
                # the real server, except the node on port %d, which dies at once
                if [ "$1" != "--version" ] && grep -q -e "^port %d$" -- "$1"; then
                  echo "simulated fatal error of node 2"
                  exit 1
                fi
                exec /usr/bin/redis-server "$@"
                """.formatted(first + 1, first + 1));
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));

        CliResult result = home.run("start", "shard", "--cluster", "3", "--port", Integer.toString(first),
                "--binary", fake.toString()).assertExit(1);
        assertTrue(result.err().contains("node 127.0.0.1:" + (first + 1) + ": redis-server exited during start"),
                result.toString());
        assertTrue(result.err().contains("simulated fatal error of node 2"), result.toString());
        assertEquals("", result.out(), result.toString());
        assertNothingLeftBehind("shard");
    }

    @Test
    void a_cluster_that_is_not_ok_within_wait_is_stopped_with_the_failing_nodes_log() {
        // a new master waits 2 s before it reports the cluster ok: 1 s is never enough
        CliResult result = home.run("start", "shard", "--cluster", "1", "--wait", "1s").assertExit(1);
        assertTrue(result.err().contains("the cluster did not form in time"), result.toString());
        assertTrue(result.err().contains("reports cluster_state:fail"), result.toString());
        assertTrue(result.err().contains("Ready to accept connections"), "the node's log lines: " + result);
        assertNothingLeftBehind("shard");
    }

    @ParameterizedTest
    @CsvSource({
            "0, needs 1 to 16384 masters",
            "3x6, 0 to 5 replicas",
            "x1, not a cluster shape",
            "3x, not a cluster shape",
            "three, not a cluster shape"})
    void a_malformed_cluster_shape_is_a_usage_error(String shape, String named) {
        CliResult result = home.run("start", "shard", "--cluster", shape).assertExit(2);
        assertTrue(result.err().contains("--cluster: ") && result.err().contains(named), result.toString());
        assertNothingLeftBehind("shard");
    }

    @Test
    void a_malformed_cluster_shape_in_cachectl_yaml_is_a_usage_error_naming_the_instance() throws IOException {
        Files.writeString(home.workDir().resolve("cachectl.yaml"), """
                instances:
                  shard:
                    cluster: 3y1
                """);
        CliResult result = home.run("start", "shard").assertExit(2);
        assertTrue(result.err().contains("instance 'shard'") && result.err().contains("'3y1' is not a cluster shape"),
                result.toString());
        assertNothingLeftBehind("shard");
    }

    @Test
    void a_first_port_too_high_for_the_bus_ports_is_a_usage_error() {
        CliResult result = home.run("start", "shard", "--cluster", "3", "--port", "60000").assertExit(2);
        assertTrue(result.err().contains("up to 70002, above 65535"), result.toString());
        assertNothingLeftBehind("shard");
    }

    private void assertNothingLeftBehind(String name) {
        assertFalse(home.hasState(name), "state file left behind");
        assertFalse(Files.exists(home.instanceDir(name)), "instance dir left behind");
    }

    private static ServerSocket listen(int port) throws IOException {
        return new ServerSocket(port, 50, InetAddress.getByName("127.0.0.1"));
    }

    /** A first port whose next {@code n} ports, and their bus ports, are all free now. */
    static int freeClusterPorts(int n) {
        for (int attempt = 0; attempt < 100; attempt++) {
            int first = ThreadLocalRandom.current().nextInt(20000, 30000 - n);
            boolean free = true;
            for (int i = 0; i < n && free; i++) {
                free = Processes.portFree(first + i) && Processes.portFree(first + i + 10000);
            }
            if (free) {
                return first;
            }
        }
        throw new IllegalStateException("no block of " + n + " free ports with free bus ports");
    }
}
