package dev.cachectl.redis.copy;

import dev.cachectl.redis.copy.ValueDigest.Digest;
import dev.cachectl.testing.CachectlHome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static dev.cachectl.redis.copy.Samples.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class ValueDigestTest {
    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    private Jedis redis;

    @BeforeEach
    void server() {
        home.run("start", "d").assertOk();
        redis = new Jedis("127.0.0.1", home.port("d"));
    }

    @AfterEach
    void close() {
        redis.close();
    }

    @Test
    void same_set_and_hash_inserted_in_different_orders_have_equal_digests() {
        for (int size : List.of(5, 1_000)) { // a listpack and a hash table
            List<String> members = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                members.add("m" + i);
            }
            List<String> shuffled = new ArrayList<>(members);
            Collections.shuffle(shuffled, new Random(size));
            Collections.reverse(members);
            members.forEach(m -> redis.sadd("set-a" + size, m));
            shuffled.forEach(m -> redis.sadd("set-b" + size, m));
            members.forEach(m -> redis.hset("hash-a" + size, m, "v" + m));
            shuffled.forEach(m -> redis.hset("hash-b" + size, m, "v" + m));
            members.forEach(m -> redis.zadd("zset-a" + size, m.length(), m));
            shuffled.forEach(m -> redis.zadd("zset-b" + size, m.length(), m));

            for (String type : List.of("set", "hash", "zset")) {
                Digest a = digest(type + "-a" + size);
                assertEquals(size, a.elements());
                assertEquals(type, a.type());
                assertEquals(a, digest(type + "-b" + size), type + " of " + size);
            }
        }
    }

    @Test
    void one_different_element_changes_the_digest() {
        redis.sadd("s1", "a", "b", "c");
        redis.sadd("s2", "a", "b", "d");
        redis.hset("h1", Map.of("a", "1", "b", "2"));
        redis.hset("h2", Map.of("a", "1", "b", "3"));
        redis.rpush("l1", "a", "b", "c");
        redis.rpush("l2", "a", "b", "");
        redis.set("t1", "value");
        redis.set("t2", "valuE");
        assertNotEquals(digest("s1"), digest("s2"));
        assertNotEquals(digest("h1"), digest("h2"));
        assertNotEquals(digest("l1"), digest("l2"));
        assertNotEquals(digest("t1"), digest("t2"));
    }

    @Test
    void hash_fields_and_values_do_not_trade_places() {
        redis.hset("h1", Map.of("ab", "c"));
        redis.hset("h2", Map.of("a", "bc"));
        redis.hset("h3", Map.of("c", "ab"));
        assertNotEquals(digest("h1"), digest("h2"));
        assertNotEquals(digest("h1"), digest("h3"));
    }

    @Test
    void zset_score_change_changes_the_digest() {
        redis.zadd("z1", Map.of("a", 1.0, "b", 0.1));
        redis.zadd("z2", Map.of("a", 1.0, "b", 0.1));
        assertEquals(digest("z1"), digest("z2"));
        redis.zadd("z2", Math.nextUp(0.1), "b");
        assertNotEquals(digest("z1"), digest("z2"));
    }

    @Test
    void list_order_matters() {
        redis.rpush("l1", "a", "b", "c");
        redis.rpush("l2", "c", "b", "a");
        assertNotEquals(digest("l1"), digest("l2"));
    }

    @Test
    void missing_key_has_no_digest() {
        assertEquals(Optional.empty(), ValueDigest.of(redis, bytes("nothing"), 10));
    }

    @Test
    void stream_digest_covers_ids_last_id_and_group_positions() {
        for (String key : List.of("s1", "s2")) {
            redis.xadd(key, XAddParams.xAddParams().id("1-1"), Map.of("f", "v"));
            redis.xadd(key, XAddParams.xAddParams().id("2-1"), Map.of("f", "v"));
            redis.xgroupCreate(key, "g", new StreamEntryID(1, 1), false);
        }
        assertEquals(digest("s1"), digest("s2"));

        redis.xgroupSetID("s2", "g", new StreamEntryID(2, 1));
        assertNotEquals(digest("s1"), digest("s2"), "group position");
        redis.xgroupSetID("s2", "g", new StreamEntryID(1, 1));
        assertEquals(digest("s1"), digest("s2"));

        redis.xadd("s2", XAddParams.xAddParams().id("3-0"), Map.of("f", "v"));
        redis.xdel("s2", new StreamEntryID(3, 0));
        assertNotEquals(digest("s1"), digest("s2"), "last generated ID");

        redis.xadd("s3", XAddParams.xAddParams().id("1-1"), Map.of("f", "v"));
        redis.xadd("s3", XAddParams.xAddParams().id("2-2"), Map.of("f", "v"));
        redis.xgroupCreate("s3", "g", new StreamEntryID(1, 1), false);
        assertNotEquals(digest("s1"), digest("s3"), "entry IDs");
    }

    @Test
    void stream_entries_with_repeated_fields_keep_their_order() {
        Map<byte[], byte[]> ab = new LinkedHashMap<>();
        ab.put(bytes("f"), bytes("a"));
        ab.put(bytes("f"), bytes("b"));
        Map<byte[], byte[]> ba = new LinkedHashMap<>();
        ba.put(bytes("f"), bytes("b"));
        ba.put(bytes("f"), bytes("a"));
        redis.xadd(bytes("s1"), XAddParams.xAddParams().id("1-1"), ab);
        redis.xadd(bytes("s2"), XAddParams.xAddParams().id("1-1"), ba);
        assertNotEquals(digest("s1"), digest("s2"));
    }

    private Digest digest(String key) {
        return ValueDigest.of(redis, bytes(key), 10).orElseThrow();
    }
}
