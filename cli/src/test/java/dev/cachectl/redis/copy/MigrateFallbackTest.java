package dev.cachectl.redis.copy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import dev.cachectl.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;

import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The type-by-type path through the whole command: big keys in chunks, and an older target. */
class MigrateFallbackTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void a_200k_field_hash_is_copied_in_chunks_and_verifies() throws IOException {
        home.run("start", "src", "dst").assertOk();
        try (Jedis src = new Jedis("127.0.0.1", home.port("src"))) {
            Pipeline p = src.pipelined();
            Map<String, String> fields = new HashMap<>();
            for (int i = 0; i < 200_000; i++) {
                fields.put("f" + i, "v" + i);
                if (fields.size() == 10_000) {
                    p.hset("big", fields);
                    fields = new HashMap<>();
                }
            }
            p.sync();
            src.expire("big", 3600);
            src.set("small", "s");
        }
        CliResult result = home.run("migrate", "src", "dst", "--big-key-elements", "10000", "--verify", "full", "--json").assertOk();
        JsonNode summary = Json.MAPPER.readTree(result.out());
        assertEquals(1, summary.get("big_keys").asLong(), result.toString());
        assertEquals(2, summary.get("copied").asLong());
        assertEquals(0, summary.get("verification").get("mismatches").asLong(), result.toString());
        try (Jedis src = new Jedis("127.0.0.1", home.port("src")); Jedis dst = new Jedis("127.0.0.1", home.port("dst"))) {
            assertEquals(200_000, dst.hlen("big"));
            // the same absolute expiry, however long the copy took on a loaded machine
            assertEquals(src.pexpireTime("big"), dst.pexpireTime("big"));
            assertEquals(0, dst.keys("*cachectl:tmp*").size());
        }
    }

    @Test
    void redis_7_to_the_bundled_6_2_falls_back_to_copying_by_type() throws IOException {
        home.run("start", "new").assertOk();
        String path = home.env().get("PATH");
        home.env().put("PATH", Files.createTempDirectory(home.workDir(), "nobin").toString());
        home.run("start", "old").assertOk();
        home.env().put("PATH", path);
        try (Jedis src = new Jedis("127.0.0.1", home.port("new"))) {
            src.set("s", "v");
            src.rpush("l", "a", "b");
            src.sadd("set", "x");
            src.zadd("z", 2.5, "m");
            src.hset("h", "f", "v");
            src.xadd("x", XAddParams.xAddParams().id(new StreamEntryID(1, 1)), Map.of("k", "v"));
            src.xgroupCreate("x", "g", new StreamEntryID(0, 0), false);
            src.xreadGroup("g", "c", redis.clients.jedis.params.XReadGroupParams.xReadGroupParams().count(1),
                    Map.of("x", StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
            src.setex("t", 1000, "v");
        }
        CliResult dumpOnly = home.run("migrate", "new", "old", "--mode", "dump", "--json").assertExit(4);
        assertTrue(dumpOnly.out().contains("DUMP payload version or checksum are wrong"), dumpOnly.toString());
        CliResult result = home.run("migrate", "new", "old", "--verify", "full", "--json").assertOk();
        JsonNode summary = Json.MAPPER.readTree(result.out());
        assertEquals(7, summary.get("copied").asLong(), result.toString());
        assertEquals(7, summary.get("type_copies").asLong(), result.toString());
        assertTrue(summary.get("not_carried").toString().contains("pending"), result.toString());
        assertEquals(0, summary.get("verification").get("mismatches").asLong(), result.toString());
        try (Jedis dst = new Jedis("127.0.0.1", home.port("old"))) {
            assertTrue(dst.info("server").contains("redis_version:6.2"));
            assertEquals(2.5, dst.zscore("z", "m"));
            assertTrue(dst.ttl("t") > 990);
        }
    }
}
