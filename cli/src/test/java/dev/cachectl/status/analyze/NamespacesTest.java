package dev.cachectl.status.analyze;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class NamespacesTest {

    @Test
    void a_namespace_is_the_prefix_up_to_the_depth_th_delimiter() {
        assertEquals("user:*", of(":", 1, "user:1:cart"));
        assertEquals("user:1:*", of(":", 2, "user:1:cart"));
        assertEquals("user:*", of(":", 2, "user:1"), "the last part is the key's own, not a level");
        assertEquals(Namespaces.NONE, of(":", 1, "plain"));
        assertEquals("a::*", of("::", 1, "a::b:c"));
        assertEquals("région/*", of("/", 3, "région/é"));
    }

    private static String of(String delimiter, int depth, String key) {
        return new Namespaces(delimiter, depth).of(key.getBytes(StandardCharsets.UTF_8));
    }
}
