package dev.cachectl.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ClusterShapeTest {

    @Test
    void masters_alone_or_with_replicas() {
        assertEquals(new ClusterShape(3, 0), ClusterShape.parse("3"));
        assertEquals(new ClusterShape(3, 1), ClusterShape.parse("3x1"));
        assertEquals(new ClusterShape(1, 5), ClusterShape.parse("1X5"));
        assertEquals("3x1", ClusterShape.parse("3x1").toString());
        assertEquals("3", ClusterShape.parse("3x0").toString());
        assertEquals(6, ClusterShape.parse("3x1").nodes());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0", "x", "3x", "x1", "3x6", "-1", "3x-1", "3.5", "3 x 1", "16385"})
    void anything_else_is_refused_with_a_reason(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClusterShape.parse(text));
        assertEquals(false, e.getMessage().isBlank());
    }

    @Test
    void replicas_are_spread_round_robin_over_the_masters() {
        ClusterShape shape = ClusterShape.parse("3x2");
        assertEquals(List.of(-1, -1, -1, 0, 1, 2, 0, 1, 2),
                IntStream.range(0, shape.nodes()).map(shape::masterOf).boxed().toList());
    }
}
