package dev.cachectl.redis.copy;

import dev.cachectl.migrate.UnitCopier;
import dev.cachectl.util.Hashes;
import redis.clients.jedis.util.JedisClusterCRC16;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static dev.cachectl.redis.copy.StructCopier.TEMP_MARKER;
import static dev.cachectl.redis.copy.StructCopier.bytes;

/** Names for the temporary keys a copy writes into before it RENAMEs them into place. */
final class TempKeys {
    /** The names copies in this JVM are writing now, each claimed by one copy at a time. */
    private static final Set<String> IN_USE = ConcurrentHashMap.newKeySet();
    private static final long CLAIM_POLL_MILLIS = 20;

    private TempKeys() {
    }

    /**
     * Whose temporary key it is: a job (its fingerprint), a source db and key. A big key's copy is owned, so
     * every run of the job names its temporary key alike, and a run killed part way (kill -9: no cleanup
     * ran) leaves one that the next run, copying the key again, empties before it writes.
     */
    record Owner(String job, int db, byte[] key) {
        String id() {
            return Hashes.sha256(job + "\n" + db + "\n" + HexFormat.of().formatHex(key)).substring(0, 16);
        }
    }

    /** Held while a copy writes its temporary key; closing twice is harmless. */
    interface Claim extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * For an owned name ({@code owned}), waits until no other copy in this JVM writes it (a SCAN can return a key
     * twice, to two workers) and claims it; a random name is never shared, so it is not claimed.
     *
     * @throws UnitCopier.Stopped when {@code stopping} turns true while waiting
     */
    static Claim claim(byte[] name, boolean owned, BooleanSupplier stopping) {
        if (!owned) {
            return () -> { };
        }
        String id = HexFormat.of().formatHex(name);
        while (!IN_USE.add(id)) {
            if (stopping.getAsBoolean()) {
                throw new UnitCopier.Stopped("stopped while waiting to copy a key another worker was copying");
            }
            LockSupport.parkNanos(CLAIM_POLL_MILLIS * 1_000_000);
        }
        boolean[] closed = {false};
        return () -> {
            if (!closed[0]) {
                closed[0] = true;
                IN_USE.remove(id);
            }
        };
    }

    /**
     * A temporary key in the same cluster hash slot as {@code key}, so that RENAME works on a cluster: the
     * owner's (null: a fresh random one). The slot comes from the first non-empty {@code {…}} of a key, else
     * from the whole key.
     */
    static byte[] forKey(byte[] key, Owner owner) {
        String id = owner != null ? owner.id() : HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        String suffix = "}:" + TEMP_MARKER + id;
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
        String prefix = TEMP_MARKER + id + ":";
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
