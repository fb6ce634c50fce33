package dev.cachectl.redis.copy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import dev.cachectl.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hash fields with their own expiry exist from Redis 7.4 on. This machine has 7.0 and 6.2 only, so
 * what can run for real is the version decision and a type copy between servers that have none
 * (it must not ask a 7.0 source for HPEXPIRETIME); reading them from a snapshot is RdbFieldTtlTest.
 */
class FieldExpiriesTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void servers_from_7_4_on_hold_field_expiries() {
        for (String v : new String[] {"7.4.0", "7.4.2", "7.10.1", "8.0.0", "8.2"}) {
            assertTrue(FieldExpiries.supported(v), v);
        }
        for (String v : new String[] {"7.2.5", "7.0.15", "6.2.14", "7", "", "garbage", null}) {
            assertFalse(FieldExpiries.supported(v), String.valueOf(v));
        }
        assertEquals("per-field expiries of hashes (HEXPIRE, Redis 7.4+): the target runs Redis 7.0.15, which cannot "
                + "hold them, so those fields never expire there", FieldExpiries.notCarried("7.0.15"));
    }

    @Test
    void a_type_copy_from_a_source_without_field_expiries_copies_hashes_and_reports_nothing_lost() throws Exception {
        home.run("start", "src", "dst").assertOk();
        try (Jedis src = new Jedis("127.0.0.1", home.port("src"))) {
            src.hset("h", Map.of("f1", "v1", "f2", "v2"));
            src.pexpire("h", 600_000);
        }
        CliResult result = home.run("migrate", "src", "dst", "--mode", "struct", "--reader", "scan", "--json").assertOk();
        JsonNode summary = Json.MAPPER.readTree(result.out());
        assertEquals(1, summary.get("copied").asLong(), result.toString());
        assertEquals(0, summary.get("failed").asLong(), result.toString());
        assertEquals(0, summary.get("not_carried").size(), result.toString());
        try (Jedis dst = new Jedis("127.0.0.1", home.port("dst"))) {
            assertEquals(Map.of("f1", "v1", "f2", "v2"), dst.hgetAll("h"));
            assertTrue(dst.pttl("h") > 0, "the key's own expiry is kept");
        }
    }
}
