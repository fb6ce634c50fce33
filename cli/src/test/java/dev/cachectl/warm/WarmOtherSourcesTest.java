package dev.cachectl.warm;

import java.time.Duration;
import dev.cachectl.testing.Await;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sources other than files: a MongoDB collection (a wire-compatible server in this JVM) and another Redis's hot keys. */
class WarmOtherSourcesTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void a_mongodb_collection_loads_what_the_query_and_projection_select() {
        MongoServer mongo = new MongoServer(new MemoryBackend());
        InetSocketAddress at = mongo.bind();
        String url = "mongodb://127.0.0.1:" + at.getPort();
        try (MongoClient client = MongoClients.create(url)) {
            List<Document> users = new ArrayList<>();
            for (int i = 1; i <= 250; i++) {
                users.add(new Document("_id", i).append("name", "user" + i).append("active", i % 2 == 0)
                        .append("secret", "s" + i).append("expires", new Date(System.currentTimeMillis() + 3_600_000)));
            }
            client.getDatabase("shop").getCollection("users").insertMany(users);
            home.run("start", "t").assertOk();

            CliResult r = home.run("warm", url + "/shop.users", "--to", "t", "--query", "{\"active\": true}",
                    "--projection", "{\"name\": 1, \"expires\": 1}", "--key", "user:{_id}", "--as", "hash",
                    "--ttl-field", "expires", "--batch", "40").assertOk();

            assertTrue(r.err().contains("read 125, written 125"), r.toString());
            try (Jedis redis = new Jedis("127.0.0.1", home.port("t"))) {
                assertEquals(125, redis.dbSize());
                Map<String, String> user = redis.hgetAll("user:2");
                assertEquals("user2", user.get("name"));
                assertFalse(user.containsKey("secret"), "the projection left it out");
                assertFalse(redis.exists("user:1"), "inactive users are not selected");
                long ttl = redis.ttl("user:2");
                assertTrue(ttl > 3500 && ttl <= 3600, "a date field is an absolute expiry: " + ttl);
            }
        } finally {
            mongo.shutdownNow();
        }
    }

    @Test
    void a_bad_query_is_exit_2_and_an_unreachable_mongodb_names_itself_without_its_password() {
        home.run("start", "t").assertOk();
        CliResult bad = home.run("warm", "mongodb://127.0.0.1:1/shop.users", "--to", "t", "--key", "u:{_id}",
                "--query", "{active: ").assertExit(2);
        assertTrue(bad.err().contains("--query is not a JSON object"), bad.toString());
        CliResult noCollection = home.run("warm", "mongodb://u:pw@127.0.0.1:1/shop", "--to", "t", "--key", "u:{_id}").assertExit(2);
        assertTrue(noCollection.err().contains("mongodb://u:***@127.0.0.1:1/shop"), noCollection.toString());
        assertFalse(noCollection.err().contains("pw"), noCollection.toString());
    }

    @Test
    void hot_keys_of_an_lfu_redis_are_copied_with_their_ttls() {
        home.run("start", "src", "--policy", "allkeys-lfu").assertOk();
        home.run("start", "t").assertOk();
        try (Jedis src = new Jedis("127.0.0.1", home.port("src"))) {
            src.configSet("lfu-log-factor", "0"); // every access counts: a ranking the test can predict
            for (int i = 0; i < 200; i++) {
                src.set("cold:" + i, "c");
            }
            src.setex("hot:a", 1000, "A");
            src.hset("hot:b", Map.of("f", "B"));
            src.rpush("hot:c", "C1", "C2");
            for (int i = 0; i < 40; i++) {
                src.get("hot:a");
                src.hget("hot:b", "f");
                src.lrange("hot:c", 0, -1);
            }
        }
        try (Jedis target = new Jedis("127.0.0.1", home.port("t"))) {
            target.set("hot:b", "already here");
        }

        CliResult r = home.run("warm", "src", "--to", "t", "--top", "3", "--nx").assertOk();

        assertTrue(r.err().contains("read 3, written 2, skipped 1"), r.toString());
        assertTrue(r.err().contains("by OBJECT FREQ (LFU policy)"), r.toString());
        try (Jedis target = new Jedis("127.0.0.1", home.port("t"))) {
            assertEquals(3, target.dbSize());
            assertEquals("A", target.get("hot:a"));
            long ttl = target.ttl("hot:a");
            assertTrue(ttl > 990 && ttl <= 1000, "TTL copied: " + ttl);
            assertEquals(List.of("C1", "C2"), target.lrange("hot:c", 0, -1));
            assertEquals("already here", target.get("hot:b"), "--nx leaves an existing key alone");
            assertNull(target.get("cold:0"));
        }

        home.run("warm", "src", "--to", "t", "--top", "3").assertOk();
        try (Jedis target = new Jedis("127.0.0.1", home.port("t"))) {
            assertEquals("B", target.hget("hot:b", "f"), "without --nx the copy replaces it");
        }
    }

    @Test
    void the_top_keys_of_an_empty_redis_are_nothing_to_warm() {
        home.run("start", "src").assertOk();
        home.run("start", "t").assertOk();
        CliResult r = home.run("warm", "src", "--to", "t", "--top", "10").assertExit(1);
        assertTrue(r.err().contains("nothing to warm: src held no keys"), r.toString());
    }

    @Test
    void without_lfu_the_most_recently_used_keys_are_the_hottest() throws InterruptedException {
        home.run("start", "src").assertOk();
        home.run("start", "t").assertOk();
        try (Jedis src = new Jedis("127.0.0.1", home.port("src"))) {
            for (int i = 0; i < 20; i++) {
                src.set("k" + i, "v");
            }
        }
        try (Jedis src = new Jedis("127.0.0.1", home.port("src"))) {
            // idle time counts in whole seconds; OBJECT IDLETIME does not touch the key it reads
            Await.until(Duration.ofSeconds(5), "k19 idle for a second", () -> src.objectIdletime("k19") >= 1);
            src.get("k7");
            src.get("k13");
        }

        CliResult r = home.run("warm", "src", "--to", "t", "--top", "2", "--dry-run").assertOk();
        assertTrue(r.out().contains("COPY k7") && r.out().contains("COPY k13"), r.toString());
        assertTrue(r.err().contains("by OBJECT IDLETIME"), r.toString());
        try (Jedis target = new Jedis("127.0.0.1", home.port("t"))) {
            assertEquals(0, target.dbSize(), "a dry run copies nothing");
        }

        home.run("warm", "src", "--to", "t", "--top", "2").assertOk();
        try (Jedis target = new Jedis("127.0.0.1", home.port("t"))) {
            assertEquals(2, target.dbSize());
            assertTrue(target.exists("k7") && target.exists("k13"));
        }
    }

    @Test
    void mapping_options_do_not_apply_to_hot_keys() {
        home.run("start", "src").assertOk();
        home.run("start", "t").assertOk();
        CliResult r = home.run("warm", "src", "--to", "t", "--top", "5", "--ttl", "1h").assertExit(2);
        assertTrue(r.err().contains("--ttl cannot be used with --top"), r.toString());
        CliResult same = home.run("warm", "t", "--to", "t", "--top", "5").assertExit(2);
        assertTrue(same.err().contains("the same Redis"), same.toString());
        CliResult noTop = home.run("warm", "redis://127.0.0.1:" + home.port("src"), "--to", "t").assertExit(2);
        assertTrue(noTop.err().contains("needs --top N"), noTop.toString());
    }
}
