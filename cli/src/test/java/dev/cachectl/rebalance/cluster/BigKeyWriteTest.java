package dev.cachectl.rebalance.cluster;

import dev.cachectl.redis.ClusterNodes;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.util.JedisClusterCRC16;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A big key copied in chunks while a client keeps writing to it loses none of the writes. The writer adds new
 * fields to a big hash: they land anywhere in its table, so the copy's HSCAN passes over some of those written
 * mid-copy, and a source key deleted after such a copy would take them with it.
 */
class BigKeyWriteTest {
    private static final String KEY = "big:hash";
    private static final int FIELDS = 20_000;
    private static final int SLOT = JedisClusterCRC16.getSlot(KEY);

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void a_key_that_keeps_changing_stops_its_slots_move_and_the_next_run_finishes_it_with_every_write() throws Exception {
        try (SkewedCluster cluster = new SkewedCluster(home, "c"); JedisCluster client = cluster.client()) {
            ClusterNodes.Node owner = loadBigHash(cluster, client);
            CliResult whileWriting;
            List<String> openAfterFirst;
            long written;
            // a writer that never pauses changes the key during every copy
            try (Writer writer = new Writer(cluster, () -> false)) {
                whileWriting = drain(owner);
                openAfterFirst = cluster.openSlots();
                written = writer.stop();
            }
            CliResult after = drain(owner).assertOk();
            assertEveryWrite(cluster, client, owner, written, whileWriting + "; second run: " + after);

            assertEquals(1, whileWriting.exitCode(), whileWriting.toString());
            assertTrue(whileWriting.err().contains("slot " + SLOT + " not moved") && whileWriting.err().contains(KEY)
                    && whileWriting.err().contains("written to during each of " + SlotMover.COPY_ATTEMPTS),
                    whileWriting.err());
            assertTrue(openAfterFirst.stream().anyMatch(s -> s.startsWith("[" + SLOT + "-")), openAfterFirst.toString());
        }
    }

    @Test
    void a_key_written_to_during_its_copy_is_copied_again_and_the_run_completes_with_every_write() throws Exception {
        try (SkewedCluster cluster = new SkewedCluster(home, "c"); JedisCluster client = cluster.client()) {
            ClusterNodes.Node owner = loadBigHash(cluster, client);
            // the cluster holds only the big key: a key on another master is its copy (placeholder or temporary key)
            List<ClusterNodes.Node> others = cluster.masters().stream().filter(m -> !m.id().equals(owner.id())).toList();
            AtomicLong afterCopyBegan = new AtomicLong(-1);
            BooleanSupplier done = () -> {
                if (afterCopyBegan.get() < 0 && others.stream().anyMatch(BigKeyWriteTest::holdsKeys)) {
                    afterCopyBegan.set(0);
                }
                return afterCopyBegan.get() >= 0 && afterCopyBegan.incrementAndGet() > 100;
            };
            CliResult applied;
            long written;
            try (Writer writer = new Writer(cluster, done)) {
                applied = drain(owner).assertOk();
                written = writer.stop();
            }
            assertTrue(afterCopyBegan.get() > 100, "the writer wrote while the key was copied: " + afterCopyBegan);
            assertEveryWrite(cluster, client, owner, written, applied.toString());
        }
    }

    private CliResult drain(ClusterNodes.Node owner) {
        return home.run("rebalance", "c", "--apply", "--drain", owner.address(), "--timeout", "50ms");
    }

    /** Writes a hash big enough to be copied in chunks with a 50 ms --timeout; returns the master holding it. */
    private static ClusterNodes.Node loadBigHash(SkewedCluster cluster, JedisCluster client) {
        String value = "x".repeat(100);
        for (int i = 0; i < FIELDS; i += 1000) {
            Map<String, String> fields = new HashMap<>();
            for (int f = i; f < i + 1000; f++) {
                fields.put("f" + f, value);
            }
            client.hset(KEY, fields);
        }
        return cluster.masters().stream().filter(m -> Nodes.slots(m).get(SLOT)).findFirst().orElseThrow();
    }

    private static void assertEveryWrite(SkewedCluster cluster, JedisCluster client, ClusterNodes.Node owner,
                                         long written, String runs) {
        assertTrue(written > 0);
        assertEquals(FIELDS + written, client.hlen(KEY), () -> "fields of " + KEY + " after " + written
                + " acknowledged writes; rebalance: " + runs);
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
                .orElseThrow()).get(SLOT), "the big key's slot left " + owner.address());
        assertTrue(cluster.openSlots().isEmpty(), cluster.openSlots().toString());
    }

    private static boolean holdsKeys(ClusterNodes.Node node) {
        try (Jedis j = new Jedis(node.host(), node.port())) {
            return j.dbSize() > 0;
        }
    }

    /** HSETs new fields w0, w1, … to the big key through a cluster client until stopped or {@code done}. */
    private static final class Writer implements AutoCloseable {
        private final JedisCluster client;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicLong acknowledged = new AtomicLong();
        private final List<Throwable> errors = new ArrayList<>();
        private final Thread thread;

        Writer(SkewedCluster cluster, BooleanSupplier done) {
            client = cluster.client();
            thread = new Thread(() -> {
                try {
                    for (long i = 0; !stop.get() && !done.getAsBoolean(); i++) {
                        client.hset(KEY, "w" + i, "v" + i);
                        acknowledged.incrementAndGet();
                    }
                } catch (Throwable t) {
                    errors.add(t);
                }
            });
            thread.start();
        }

        /** Stops the writer; returns how many writes it got an OK for. */
        long stop() throws InterruptedException {
            stop.set(true);
            thread.join();
            assertTrue(errors.isEmpty(), () -> "the writer saw: " + errors);
            return acknowledged.get();
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join();
            client.close();
        }
    }
}
