package dev.cachectl.util;

import dev.cachectl.lifecycle.InstanceState;
import dev.cachectl.lifecycle.NodeState;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecordJsonTest {

    @Test
    void state_round_trips_with_nulls_lists_and_unusual_text() throws IOException {
        InstanceState state = new InstanceState("c", "redis", 42, 1_795_000_000_000L,
                List.of("/usr/bin/redis-server", "/home/ü ser/redis.conf"), "/usr/bin/redis-server",
                "/usr/bin/redis-check-rdb", "PATH", "7.0.15", "127.0.0.1", 6390, "p\"w\\d\n",
                "/c", "/d", "/l", true, null, 7L, null);
        byte[] json = RecordJson.write(state);
        String text = new String(json, StandardCharsets.UTF_8);
        assertTrue(text.contains("\"process_start_millis\" : 1795000000000"), text);
        assertTrue(text.contains("\"idle_timeout_millis\" : null"), text);
        assertEquals(state, RecordJson.read(json, InstanceState.class));
    }

    @Test
    void cluster_state_round_trips_with_its_nodes() throws IOException {
        List<NodeState> nodes = List.of(
                new NodeState(30001, 11, 1_795_000_000_001L, "/usr/bin/redis-check-rdb", List.of("/usr/bin/redis-server", "/n1/redis.conf"),
                        "master", null, "id1", "run1", "/n1/redis.conf", "/n1/data", "/n1/server.log", 4242L),
                new NodeState(30002, 12, 1_795_000_000_002L, "/usr/bin/redis-check-rdb", List.of("/usr/bin/redis-server", "/n2/redis.conf"),
                        "replica", 30001, "id2", "run2", "/n2/redis.conf", "/n2/data", "/n2/server.log", null));
        InstanceState state = new InstanceState("shard", "redis", 11, 1_795_000_000_001L, nodes.get(0).commandLine(),
                "/usr/bin/redis-server", "/usr/bin/redis-check-rdb", "PATH", "7.0.15", "127.0.0.1", 30001, null,
                "/n1/redis.conf", "/d", "/n1/server.log", false, null, 7L, "run1", "1x1", nodes, null, 4242L, true);
        byte[] json = RecordJson.write(state);
        assertTrue(new String(json, StandardCharsets.UTF_8).contains("\"replica_of\" : 30001"));
        InstanceState read = RecordJson.read(json, InstanceState.class);
        assertEquals(state, read);
        assertEquals(nodes, read.servers());
    }

    @Test
    void a_standalone_state_has_no_nodes_and_is_its_own_one_server() throws IOException {
        InstanceState s = RecordJson.read("{\"name\":\"x\",\"pid\":5,\"port\":6390,\"executable\":\"/e\"}"
                .getBytes(StandardCharsets.UTF_8), InstanceState.class);
        assertEquals(null, s.nodes());
        assertEquals(1, s.servers().size());
        assertEquals(5, s.servers().get(0).pid());
        assertEquals(6390, s.servers().get(0).port());
        assertThrows(IOException.class, () -> RecordJson.read("{\"nodes\":[1,2]}".getBytes(StandardCharsets.UTF_8), InstanceState.class));
    }

    @Test
    void missing_fields_take_defaults_and_unknown_ones_are_ignored() throws IOException {
        InstanceState s = RecordJson.read("{\"name\":\"x\",\"pid\":5,\"future\":{\"a\":[1]}}".getBytes(StandardCharsets.UTF_8),
                InstanceState.class);
        assertEquals("x", s.name());
        assertEquals(5, s.pid());
        assertEquals(0, s.port());
        assertEquals(null, s.commandLine());
    }

    @Test
    void wrong_types_and_garbage_are_errors_not_silent_zeroes() {
        assertThrows(IOException.class, () -> RecordJson.read("{\"pid\":\"five\"}".getBytes(StandardCharsets.UTF_8), InstanceState.class));
        assertThrows(IOException.class, () -> RecordJson.read("[1,2]".getBytes(StandardCharsets.UTF_8), InstanceState.class));
        assertThrows(IOException.class, () -> RecordJson.read("{\"pid\":".getBytes(StandardCharsets.UTF_8), InstanceState.class));
    }
}
