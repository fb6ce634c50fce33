package dev.cachectl.redis.copy;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.util.JedisClusterCRC16;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static dev.cachectl.redis.copy.Samples.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Temporary keys land in the target key's cluster slot, so that RENAME works on a cluster. */
class TempKeyNameTest {

    @Test
    void tagged_key_keeps_its_tag() {
        String temp = name("user:{42}:profile");
        assertTrue(temp.startsWith("{42}:cachectl:tmp:"), temp);
        assertSameSlot("user:{42}:profile");
    }

    @Test
    void untagged_key_becomes_the_tag() {
        assertTrue(name("plain:key").startsWith("{plain:key}:cachectl:tmp:"), name("plain:key"));
        assertTrue(name("half{open").startsWith("{half{open}:cachectl:tmp:"), name("half{open"));
        assertSameSlot("plain:key");
        assertSameSlot("half{open");
    }

    @Test
    void key_whose_slot_no_tag_can_name_gets_a_name_searched_for_that_slot() {
        // a '}' outside any tag, an empty key, and empty tags: the whole key decides the slot
        for (String key : List.of("a}b", "", "{}x", "{}{a}", "}{")) {
            String temp = name(key);
            assertTrue(temp.startsWith("cachectl:tmp:"), temp);
            assertSameSlot(key);
        }
    }

    @Test
    void binary_key_and_fresh_names() {
        byte[] key = Samples.key("k", "hash");
        assertEquals(JedisClusterCRC16.getSlot(key), JedisClusterCRC16.getSlot(TempKeys.forKey(key, null)));
        assertFalse(name("a").equals(name("a")), "each copy gets its own temporary key");
    }

    private static String name(String key) {
        return new String(TempKeys.forKey(bytes(key), null), StandardCharsets.UTF_8);
    }

    private static void assertSameSlot(String key) {
        for (int i = 0; i < 20; i++) {
            byte[] temp = TempKeys.forKey(bytes(key), null);
            assertEquals(JedisClusterCRC16.getSlot(bytes(key)), JedisClusterCRC16.getSlot(temp),
                    "'" + key + "' -> '" + new String(temp, StandardCharsets.UTF_8) + "'");
        }
    }
}
