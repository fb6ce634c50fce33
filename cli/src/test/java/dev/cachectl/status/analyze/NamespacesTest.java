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

    @Test
    void a_namespace_that_is_not_plain_text_is_quoted_and_escaped_byte_by_byte() {
        Namespaces ns = new Namespaces(":", 1);
        assertEquals("\"a\\x0ab:\"*", ns.of("a\nb:1".getBytes(StandardCharsets.UTF_8)), "one line");
        assertEquals("\"\\xff:\"*", ns.of(new byte[]{(byte) 0xff, ':', '1'}));
        assertEquals("\"\\xfe:\"*", ns.of(new byte[]{(byte) 0xfe, ':', '1'}), "two prefixes that are not UTF-8 stay apart");
        assertEquals("\"\\x22q:\"*", ns.of("\"q:1".getBytes(StandardCharsets.UTF_8)),
                "a key that starts with a quote cannot read as an escaped one");
    }

    private static String of(String delimiter, int depth, String key) {
        return new Namespaces(delimiter, depth).of(key.getBytes(StandardCharsets.UTF_8));
    }
}
