package dev.cachectl.redis;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class ClusterNodesTest {

    @Test
    void parses_addresses_roles_flags_and_slots_including_redis_7_hostnames_and_a_lone_node() {
        String text = """
                a1 10.0.0.1:7000@17000,cache-a myself,master - 0 0 1 connected 0-5460 [5461->-b2]
                b2 10.0.0.2:7001@17001 master,fail - 0 0 2 disconnected 5461-10922
                c3 10.0.0.3:7002@17002 slave a1 0 0 1 connected
                d4 :7003@17003 myself,master - 0 0 0 connected
                """;
        List<ClusterNodes.Node> nodes = ClusterNodes.parse(text, "seed.example");
        assertEquals(List.of("10.0.0.1:7000", "10.0.0.2:7001", "10.0.0.3:7002", "seed.example:7003"),
                nodes.stream().map(ClusterNodes.Node::address).toList());
        assertEquals(List.of("0-5460", "[5461->-b2]"), nodes.get(0).slots());
        assertNull(nodes.get(0).trouble());
        assertEquals("fail", nodes.get(1).trouble());
        assertEquals(false, nodes.get(2).master());
        assertEquals("a1", nodes.get(2).masterId());
    }
}
