package dev.cachectl.redis;

import dev.cachectl.config.Endpoint;
import dev.cachectl.testing.CachectlHome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** A replication link: what it says of the wait a loss of it names ("no reply within 1m"). */
class ReplicaSyncTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void the_link_tells_how_long_it_waits_for_a_byte_while_it_is_open() throws Exception {
        home.run("start", "src").assertOk();
        try (Jedis jedis = new Jedis("127.0.0.1", home.port("src"))) {
            jedis.configSet("repl-diskless-sync-delay", "0"); // the snapshot at once, not after 5 s
        }
        Endpoint source = Endpoint.parse("redis://127.0.0.1:" + home.port("src"));
        ReplicaSync sync = ReplicaSync.follow(source, Duration.ofSeconds(5), Duration.ofSeconds(7));
        try (sync) {
            assertEquals(Duration.ofSeconds(7), sync.readTimeout(), "the idle wait it was opened with");
            sync.readTimeout(Duration.ofSeconds(61));
            assertEquals(Duration.ofSeconds(61), sync.readTimeout());
        }
        assertNull(sync.readTimeout(), "a closed link waits for nothing");
    }
}
