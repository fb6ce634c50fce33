package dev.cachectl.warm;

import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code warm --top} copies with migrate's copy: what DUMP/RESTORE alone cannot carry still arrives. */
class WarmHotKeyCopyTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void hot_keys_of_redis_7_reach_the_bundled_6_2_by_type_with_their_ttls() throws IOException {
        home.run("start", "new", "--policy", "allkeys-lfu").assertOk();
        String path = home.env().get("PATH");
        home.env().put("PATH", Files.createTempDirectory(home.workDir(), "nobin").toString());
        home.run("start", "old").assertOk();
        home.env().put("PATH", path);
        try (Jedis src = new Jedis("127.0.0.1", home.port("new"))) {
            src.setex("s", 1000, "v");
            src.rpush("l", "a", "b");
            src.hset("h", Map.of("f", "v", "g", "w"));
            src.zadd("z", 2.5, "m");
        }

        // a Redis 7 DUMP payload is one Redis 6.2 refuses ("DUMP payload version or checksum are wrong")
        CliResult r = home.run("warm", "new", "--to", "old", "--top", "4").assertOk();

        assertTrue(r.err().contains("read 4, written 4, skipped 0, malformed 0, failed 0"), r.toString());
        try (Jedis dst = new Jedis("127.0.0.1", home.port("old"))) {
            assertTrue(dst.info("server").contains("redis_version:6.2"));
            assertEquals("v", dst.get("s"));
            long ttl = dst.ttl("s");
            assertTrue(ttl > 990 && ttl <= 1000, "TTL copied: " + ttl);
            assertEquals(List.of("a", "b"), dst.lrange("l", 0, -1));
            assertEquals(Map.of("f", "v", "g", "w"), dst.hgetAll("h"));
            assertEquals(2.5, dst.zscore("z", "m"));
            assertEquals(-1, dst.ttl("l"));
            assertEquals(0, dst.keys("*cachectl:tmp*").size());
        }
    }
}
