package dev.cachectl.rebalance.cluster;

import dev.cachectl.redis.ClusterNodes;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.util.JedisClusterCRC16;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A big key copied in chunks while a client keeps writing to it loses none of the writes. */
class BigKeyWriteTest {
    private static final String KEY = "big:hash";
    private static final int FIELDS = 20_000;

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void writes_to_a_big_key_during_its_chunked_copy_are_all_on_the_new_owner() throws Exception {
        try (SkewedCluster cluster = new SkewedCluster(home, "c"); JedisCluster client = cluster.client();
             JedisCluster writer = cluster.client()) {
            int slot = JedisClusterCRC16.getSlot(KEY);
            ClusterNodes.Node owner = cluster.masters().stream().filter(m -> Nodes.slots(m).get(slot))
                    .findFirst().orElseThrow();
            String value = "x".repeat(100);
            for (int i = 0; i < FIELDS; i += 1000) {
                Map<String, String> fields = new HashMap<>();
                for (int f = i; f < i + 1000; f++) {
                    fields.put("f" + f, value);
                }
                client.hset(KEY, fields);
            }

            // new fields land anywhere in the hash's table, so HSCAN passes over some of those written mid-copy
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong acknowledged = new AtomicLong();
            List<Throwable> errors = new ArrayList<>();
            Thread thread = new Thread(() -> {
                try {
                    for (long i = 0; !stop.get(); i++) {
                        writer.hset(KEY, "w" + i, "v" + i);
                        acknowledged.incrementAndGet();
                    }
                } catch (Throwable t) {
                    errors.add(t);
                }
            });
            thread.start();
            CliResult whileWriting;
            List<String> openAfterFirst;
            try {
                whileWriting = home.run("rebalance", "c", "--apply", "--drain", owner.address(), "--timeout", "50ms");
                openAfterFirst = cluster.openSlots();
            } finally {
                stop.set(true);
                thread.join();
            }
            assertTrue(errors.isEmpty(), () -> "the writer saw: " + errors);
            CliResult after = home.run("rebalance", "c", "--apply", "--drain", owner.address(), "--timeout", "50ms")
                    .assertOk();

            long written = acknowledged.get();
            assertTrue(written > 0);
            assertEquals(FIELDS + written, client.hlen(KEY), () -> "fields of " + KEY + " after " + written
                    + " acknowledged writes; first run: " + whileWriting + "; second: " + after);
            for (long i = 0; i < written; i += 1000) {
                String[] names = new String[(int) Math.min(1000, written - i)];
                for (int n = 0; n < names.length; n++) {
                    names[n] = "w" + (i + n);
                }
                List<String> got = client.hmget(KEY, names);
                for (int n = 0; n < names.length; n++) {
                    assertEquals("v" + (i + n), got.get(n), names[n]);
                }
            }
            assertFalse(Nodes.slots(cluster.masters().stream().filter(m -> m.id().equals(owner.id())).findFirst()
                    .orElseThrow()).get(slot), "the big key's slot left " + owner.address());
            assertTrue(cluster.openSlots().isEmpty(), cluster.openSlots().toString());

            // a writer that never pauses changes the key during every copy: the move of its slot stops with the
            // key still on its source and the slot open, and the next run (the writer gone) finishes it
            assertEquals(1, whileWriting.exitCode(), whileWriting.toString());
            assertTrue(whileWriting.err().contains("slot " + slot + " not moved") && whileWriting.err().contains(KEY)
                    && whileWriting.err().contains("written to during each of " + SlotMover.COPY_ATTEMPTS),
                    whileWriting.err());
            assertTrue(openAfterFirst.stream().anyMatch(s -> s.startsWith("[" + slot + "-")), openAfterFirst.toString());
        }
    }
}
