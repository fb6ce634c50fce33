package dev.cachectl.redis.copy;

import redis.clients.jedis.util.JedisClusterCRC16;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

import static dev.cachectl.redis.copy.StructCopier.TEMP_MARKER;
import static dev.cachectl.redis.copy.StructCopier.bytes;

/** Names for the temporary keys a copy writes into before it RENAMEs them into place. */
final class TempKeys {
    private TempKeys() {
    }

    /**
     * A fresh temporary key in the same cluster hash slot as {@code key}, so that RENAME works on a
     * cluster. The slot comes from the first non-empty {@code {…}} of a key, else from the whole key.
     */
    static byte[] forKey(byte[] key) {
        String suffix = "}:" + TEMP_MARKER + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        byte[] tag = hashTag(key);
        if (tag == null && key.length > 0 && indexOf(key, (byte) '}', 0) < 0) {
            tag = key;
        }
        if (tag != null) {
            return ByteBuffer.allocate(tag.length + 1 + suffix.length())
                    .put((byte) '{').put(tag).put(bytes(suffix)).array();
        }
        // the whole key decides the slot and a '}' in it keeps it out of any tag: look for a name in that slot
        int slot = JedisClusterCRC16.getSlot(key);
        String prefix = TEMP_MARKER + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()) + ":";
        for (int i = 0; i < 100 * 16384; i++) {
            byte[] candidate = bytes(prefix + i);
            if (JedisClusterCRC16.getSlot(candidate) == slot) {
                return candidate;
            }
        }
        throw new IllegalStateException("no temporary key name found in slot " + slot);
    }

    private static byte[] hashTag(byte[] key) {
        int open = indexOf(key, (byte) '{', 0);
        int close = open < 0 ? -1 : indexOf(key, (byte) '}', open + 1);
        return close > open + 1 ? Arrays.copyOfRange(key, open + 1, close) : null;
    }

    private static int indexOf(byte[] a, byte b, int from) {
        for (int i = from; i < a.length; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
