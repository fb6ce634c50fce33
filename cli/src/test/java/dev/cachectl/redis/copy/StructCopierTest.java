package dev.cachectl.redis.copy;

import dev.cachectl.redis.copy.Samples.Sample;
import dev.cachectl.redis.copy.StructCopier.Outcome;
import dev.cachectl.redis.copy.StructCopier.Status;
import dev.cachectl.testing.CachectlHome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.util.JedisClusterCRC16;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static dev.cachectl.redis.copy.Samples.assertSameValue;
import static dev.cachectl.redis.copy.Samples.bytes;
import static dev.cachectl.redis.copy.Samples.concat;
import static dev.cachectl.redis.copy.Samples.tempKeys;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** StructCopier between two Redis 7 servers that cachectl started. */
class StructCopierTest {
    private static final Set<String> READS = Set.of("getrange", "lrange", "sscan", "zscan", "hscan", "xrange");

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    private Jedis src;
    private Jedis dst;

    @BeforeEach
    void servers() {
        home.run("start", "src", "dst").assertOk();
        src = new Jedis("127.0.0.1", home.port("src"));
        dst = new Jedis("127.0.0.1", home.port("dst"));
    }

    @AfterEach
    void close() {
        src.close();
        dst.close();
    }

    @Test
    void every_type_is_copied_binary_safe_in_one_read_or_in_many_small_chunks() {
        List<Sample> samples = Samples.writeEveryType(src, "k");
        Map<String, StructCopier> copiers = Map.of(
                "whole:", new StructCopier(src, dst, 10_000, 1 << 20),
                "chunked:", new StructCopier(src, dst, 2, 7));
        copiers.forEach((prefix, copier) -> {
            for (Sample s : samples) {
                byte[] target = concat(bytes(prefix), s.key());
                Outcome outcome = copier.copy(s.key(), target, s.type(), 0, true);
                assertEquals(Status.COPIED, outcome.status(), prefix + s.type() + " " + outcome);
                assertEquals(Samples.size(src, s.key()), outcome.elements(), prefix + s.type() + " elements");
                assertSameValue(src, s.key(), dst, target, s.type());
                assertEquals(-1, dst.pttl(target), prefix + s.type() + ": the copy must not keep an expiry");
            }
        });
        assertEquals(Set.of(), tempKeys(dst));
    }

    @Test
    void big_hash_goes_in_chunks_and_readers_see_the_old_value_or_the_whole_new_one() throws Exception {
        byte[] key = bytes("big");
        int fields = 200_000;
        Pipeline fill = src.pipelined();
        for (int i = 0; i < fields; i += 1000) {
            Map<String, String> batch = new HashMap<>();
            for (int j = i; j < i + 1000; j++) {
                batch.put("field-" + j, "value-" + j);
            }
            fill.hset("big", batch);
        }
        fill.sync();
        byte[] target = bytes("big-copy");
        dst.hset("big-copy", Map.of("old", "1", "older", "2", "oldest", "3"));

        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger chunks = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong polls = new AtomicLong();
        try (Jedis checker = new Jedis("127.0.0.1", home.port("dst"));
             Jedis poller = new Jedis("127.0.0.1", home.port("dst"))) {
            Thread polling = new Thread(() -> {
                while (!stop.get()) {
                    long n = poller.hlen(target);
                    polls.incrementAndGet();
                    if (n != 3 && n != fields) {
                        seen.add("poller saw " + n + " fields");
                    }
                }
            });
            polling.start();
            StructCopier copier = new StructCopier(Intercepted.before(src, (command, args) -> {
                if (!command.equals("hscan")) {
                    return;
                }
                long n = checker.hlen(target);
                if (n != 3) {
                    seen.add("before chunk " + chunks.get() + ": " + n + " fields");
                }
                if (chunks.incrementAndGet() == 3) {
                    Set<String> temp = tempKeys(checker);
                    assertEquals(1, temp.size(), "one temporary key while copying: " + temp);
                    String name = temp.iterator().next();
                    long ttl = checker.pttl(name);
                    assertTrue(ttl > 0 && ttl <= StructCopier.LEASE_MILLIS, "the temporary key carries a lease TTL: " + ttl);
                    assertEquals(JedisClusterCRC16.getSlot(target), JedisClusterCRC16.getSlot(name), name);
                }
            }), dst, 5_000, 1 << 20);
            Outcome outcome;
            try {
                outcome = copier.copy(key, target, "hash", 0, true);
            } finally {
                stop.set(true);
                polling.join();
            }
            assertEquals(Status.COPIED, outcome.status(), outcome.toString());
            assertEquals(fields, outcome.elements());
            assertTrue(chunks.get() >= fields / 5_000, "read in chunks: " + chunks.get() + " HSCANs");
            assertTrue(polls.get() > 0);
            assertEquals(List.of(), seen, "a reader saw a partly copied key");
        }
        assertSameValue(src, key, dst, target, "hash");
        assertEquals(-1, dst.pttl(target), "the lease must not outlive the copy");
        assertEquals(Set.of(), tempKeys(dst));
    }

    @Test
    void big_string_is_copied_in_chunks_no_bigger_than_chunk_bytes() {
        byte[] value = new byte[5_000_003];
        new Random(7).nextBytes(value);
        src.set(bytes("blob"), value);
        AtomicInteger reads = new AtomicInteger();
        List<Integer> writes = new ArrayList<>();
        StructCopier copier = new StructCopier(
                Intercepted.before(src, (command, args) -> {
                    if (command.equals("getrange")) {
                        reads.incrementAndGet();
                    }
                }),
                Intercepted.before(dst, (command, args) -> {
                    if (command.equals("set") || command.equals("append")) {
                        writes.add(((byte[]) args[1]).length);
                    }
                }), 100, 1 << 20);

        Outcome outcome = copier.copy(bytes("blob"), bytes("blob-copy"), "string", 0, true);

        assertEquals(Status.COPIED, outcome.status(), outcome.toString());
        assertEquals(value.length, outcome.bytes());
        assertEquals(5, reads.get(), "GETRANGE calls");
        assertEquals(5, writes.size(), "SET and APPEND calls: " + writes);
        assertTrue(writes.stream().allMatch(n -> n <= 1 << 20), writes.toString());
        assertArrayEquals(value, dst.get(bytes("blob-copy")));
        assertSameValue(src, bytes("blob"), dst, bytes("blob-copy"), "string");
        assertEquals(Set.of(), tempKeys(dst));
    }

    @Test
    void stream_keeps_entry_ids_last_id_and_group_positions_and_notes_pending_entries() {
        byte[] key = bytes("events");
        Samples.writeStream(src, key);
        byte[] target = bytes("events-copy");

        Outcome outcome = new StructCopier(src, dst, 50, 1 << 20).copy(key, target, "stream", 0, true);

        assertEquals(Status.COPIED, outcome.status(), outcome.toString());
        assertEquals(Samples.EXTRA - 1, outcome.elements());
        assertSameValue(src, key, dst, target, "stream");
        Map<String, Object> from = StreamReplies.fields(src.xinfoStream(key));
        Map<String, Object> to = StreamReplies.fields(dst.xinfoStream(target));
        for (String field : List.of("length", "last-generated-id", "max-deleted-entry-id", "entries-added")) {
            assertEquals(text(from.get(field)), text(to.get(field)), field);
        }
        assertEquals("99999-7", text(to.get("last-generated-id")), "the deleted newest entry's ID is kept");
        List<StreamReplies.Group> sourceGroups = StreamReplies.groups(src.xinfoGroups(key));
        List<StreamReplies.Group> targetGroups = StreamReplies.groups(dst.xinfoGroups(target));
        assertEquals(2, targetGroups.size());
        for (int i = 0; i < 2; i++) {
            var s = sourceGroups.get(i);
            var t = targetGroups.get(i);
            assertArrayEquals(s.name(), t.name());
            assertArrayEquals(s.lastDeliveredId(), t.lastDeliveredId());
            assertEquals(s.entriesRead(), t.entriesRead(), "entries-read");
            assertEquals(0, t.pending());
            assertEquals(0, t.consumers());
        }
        assertTrue(outcome.notes().contains("stream 'events': 12 pending entries in group 'g1' not copied (nor its 1 consumer)"),
                outcome.notes().toString());
        assertTrue(outcome.notes().contains("stream 'events': 5 pending entries in group 'g2 " + new String(Samples.UNICODE,
                StandardCharsets.UTF_8) + "' not copied (nor its 1 consumer)"), outcome.notes().toString());
        String next = dst.xadd("events-copy", XAddParams.xAddParams(), Map.of("n", "1")).toString();
        assertTrue(Long.parseLong(next.split("-")[0]) >= 99999, "new entries come after the source's last ID: " + next);
        assertEquals(Set.of(), tempKeys(dst));
    }

    @Test
    void stream_without_entries_is_copied_with_its_last_id_and_group() {
        src.xadd("empty", XAddParams.xAddParams().id("5-1"), Map.of("a", "1"));
        src.xgroupCreate("empty", "g", StreamEntryID.XGROUP_LAST_ENTRY, false);
        src.xdel("empty", new StreamEntryID(5, 1));

        Outcome outcome = new StructCopier(src, dst, 50, 1 << 20).copy(bytes("empty"), bytes("empty"), "stream", 0, true);

        assertEquals(Status.COPIED, outcome.status(), outcome.toString());
        assertEquals(0, outcome.elements());
        assertEquals(0, dst.xlen("empty"));
        assertEquals("5-1", text(StreamReplies.fields(dst.xinfoStream(bytes("empty"))).get("last-generated-id")));
        List<StreamReplies.Group> groups = StreamReplies.groups(dst.xinfoGroups(bytes("empty")));
        assertEquals(1, groups.size(), "only the source's group, not the one that made the stream");
        assertEquals("g", text(groups.get(0).name()));
        assertSameValue(src, bytes("empty"), dst, bytes("empty"), "stream");
    }

    @Test
    void stream_entry_with_thousands_of_fields_is_copied_whole() {
        byte[][] fieldsAndValues = new byte[2 * 3_000][];
        for (int i = 0; i < 3_000; i++) {
            fieldsAndValues[2 * i] = bytes("f" + (i % 1_500)); // names repeat within the entry
            fieldsAndValues[2 * i + 1] = bytes("v" + i);
        }
        src.xadd(bytes("wide"), XAddParams.xAddParams().id("1-1"), Samples.ordered(bytes("a"), bytes("b")));
        src.xadd(bytes("wide"), XAddParams.xAddParams().id("1-2"), Samples.ordered(fieldsAndValues));
        src.xadd(bytes("wide"), XAddParams.xAddParams().id("1-3"), Samples.ordered(bytes("c"), bytes("d")));

        Outcome outcome = new StructCopier(src, dst, 50, 1 << 20).copy(bytes("wide"), bytes("wide"), "stream", 0, true);

        assertEquals(Status.COPIED, outcome.status(), outcome.toString());
        assertEquals(3, outcome.elements());
        assertSameValue(src, bytes("wide"), dst, bytes("wide"), "stream");
    }

    @Test
    void future_expiry_lands_on_the_target_within_a_second() {
        Samples.writeEveryType(src, "k");
        long expireAt = System.currentTimeMillis() + 60_000;
        // 7-element chunks: the hash goes through the lease, the string in one read
        StructCopier copier = new StructCopier(src, dst, 7, 1 << 20);
        for (String type : List.of("hash", "string")) {
            byte[] key = Samples.key("k", type);
            assertEquals(Status.COPIED, copier.copy(key, key, type, expireAt, true).status());
            long expected = expireAt - System.currentTimeMillis();
            long pttl = dst.pttl(key);
            assertTrue(Math.abs(expected - pttl) <= 1000, type + ": PTTL " + pttl + ", expected about " + expected);
        }
    }

    @Test
    void past_expiry_writes_nothing_and_reports_vanished() {
        Samples.writeEveryType(src, "k");
        byte[] key = Samples.key("k", "hash");

        Outcome outcome = new StructCopier(src, dst, 7, 1 << 20).copy(key, key, "hash", System.currentTimeMillis() - 1, true);

        assertEquals(Status.VANISHED, outcome.status());
        assertFalse(dst.exists(key));
        assertEquals(Set.of(), tempKeys(dst));
    }

    @Test
    void existing_target_is_left_alone_without_replace() {
        Samples.writeEveryType(src, "k");
        byte[] key = Samples.key("k", "hash");
        dst.set(key, bytes("keep me"));

        Outcome outcome = new StructCopier(src, dst, 7, 1 << 20).copy(key, key, "hash", 0, false);

        assertEquals(Status.SKIPPED_EXISTING, outcome.status());
        assertArrayEquals(bytes("keep me"), dst.get(key));
        assertEquals(Set.of(), tempKeys(dst));
    }

    @Test
    void target_created_while_copying_is_kept_without_replace() {
        Samples.writeEveryType(src, "k");
        byte[] key = Samples.key("k", "list");
        AtomicInteger reads = new AtomicInteger();
        StructCopier copier = new StructCopier(Intercepted.before(src, (command, args) -> {
            if (READS.contains(command) && reads.incrementAndGet() == 2) {
                dst.set(key, bytes("written meanwhile"));
            }
        }), dst, 7, 1 << 20);

        Outcome outcome = copier.copy(key, key, "list", 0, false);

        assertEquals(Status.SKIPPED_EXISTING, outcome.status(), outcome.toString());
        assertArrayEquals(bytes("written meanwhile"), dst.get(key));
        assertEquals(Set.of(), tempKeys(dst));
    }

    @Test
    void replace_swaps_a_key_of_another_type_and_drops_its_expiry() {
        Samples.writeEveryType(src, "k");
        byte[] key = Samples.key("k", "zset");
        dst.set(key, bytes("old"));
        dst.pexpire(key, 100_000);

        Outcome outcome = new StructCopier(src, dst, 7, 1 << 20).copy(key, key, "zset", 0, true);

        assertEquals(Status.COPIED, outcome.status());
        assertSameValue(src, key, dst, key, "zset");
        assertEquals(-1, dst.pttl(key));
    }

    @Test
    void key_deleted_between_two_chunks_is_vanished_and_leaves_no_key() {
        List<Sample> samples = Samples.writeEveryType(src, "k");
        for (Sample s : samples) {
            if (s.type().equals("string") && src.strlen(s.key()) == 0) {
                continue; // an empty string is read in one go
            }
            AtomicInteger reads = new AtomicInteger();
            StructCopier copier = new StructCopier(Intercepted.before(src, (command, args) -> {
                if (READS.contains(command) && reads.incrementAndGet() == 2) {
                    src.del(s.key());
                }
            }), dst, 2, 7);

            Outcome outcome = copier.copy(s.key(), s.key(), s.type(), 0, true);

            assertEquals(Status.VANISHED, outcome.status(), s.type() + " " + outcome);
            assertEquals(List.of(), outcome.notes(), s.type());
            assertFalse(dst.exists(s.key()), s.type() + " written anyway");
            assertEquals(Set.of(), tempKeys(dst), s.type());
        }
    }

    @Test
    void key_gone_before_the_copy_is_vanished() {
        Outcome outcome = new StructCopier(src, dst, 7, 1 << 20).copy(bytes("nothing"), bytes("nothing"), "hash", 0, true);

        assertEquals(Status.VANISHED, outcome.status());
        assertFalse(dst.exists("nothing"));
        assertEquals(Set.of(), tempKeys(dst));
    }

    @Test
    void key_replaced_by_another_type_mid_copy_is_vanished_with_a_note() {
        Samples.writeEveryType(src, "k");
        byte[] key = Samples.key("k", "set");
        AtomicInteger reads = new AtomicInteger();
        StructCopier copier = new StructCopier(Intercepted.before(src, (command, args) -> {
            if (READS.contains(command) && reads.incrementAndGet() == 2) {
                src.del(key);
                src.set(key, bytes("now a string"));
            }
        }), dst, 2, 7);

        Outcome outcome = copier.copy(key, key, "set", 0, true);

        assertEquals(Status.VANISHED, outcome.status(), outcome.toString());
        assertEquals(1, outcome.notes().size(), outcome.toString());
        assertTrue(outcome.notes().get(0).contains("became a string while its set value was copied"), outcome.toString());
        assertFalse(dst.exists(key));
        assertEquals(Set.of(), tempKeys(dst));
    }

    @Test
    void module_type_is_unsupported_and_named_in_a_note() {
        Outcome outcome = new StructCopier(src, dst, 7, 1 << 20).copy(bytes("doc"), bytes("doc"), "ReJSON-RL", 0, true);

        assertEquals(Status.UNSUPPORTED, outcome.status());
        assertEquals(List.of("'doc': type 'ReJSON-RL' cannot be copied by type (module type?)"), outcome.notes());
    }

    @Test
    void temporary_key_forbidden_by_acl_is_skipped_by_writing_in_place_with_a_note() {
        dst.aclSetUser("app", "on", ">secret", "~app:*", "+@all");
        Samples.writeEveryType(src, "app");
        byte[] key = bytes("app:hash");
        src.rename(Samples.key("app", "hash"), key);
        dst.set(key, bytes("old"));
        try (Jedis limited = new Jedis("127.0.0.1", home.port("dst"))) {
            limited.auth("app", "secret");

            Outcome outcome = new StructCopier(src, limited, 7, 1 << 20).copy(key, key, "hash", 0, true);

            assertEquals(Status.COPIED, outcome.status(), outcome.toString());
            assertEquals(1, outcome.notes().size(), outcome.toString());
            assertTrue(outcome.notes().get(0).startsWith("'app:hash': written in place, not through a temporary key (NOPERM"),
                    outcome.notes().get(0));
        }
        assertSameValue(src, key, dst, key, "hash");
        assertEquals(-1, dst.pttl(key), "the lease must not outlive the copy");
    }

    private static String text(Object value) {
        return value instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(value);
    }
}
