package dev.cachectl.lifecycle;

import dev.cachectl.testing.CachectlHome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LoadingReadinessTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void a_persisted_instance_is_ready_only_once_its_data_is_loaded() {
        home.run("start", "durable", "--persist").assertOk();
        String port = Integer.toString(home.port("durable"));
        try (Jedis jedis = new Jedis("127.0.0.1", home.port("durable"))) {
            Pipeline p = jedis.pipelined();
            byte[] value = new byte[1000];
            for (int i = 0; i < 300_000; i++) {
                p.set(("k:" + i).getBytes(), value);
            }
            p.sync();
        }
        home.run("stop", "durable").assertOk();
        home.run("start", "durable", "--port", port).assertOk();
        try (Jedis jedis = new Jedis("127.0.0.1", home.port("durable"))) {
            // with readiness taken from INFO alone, this first command could meet LOADING
            assertEquals(300_000, jedis.dbSize());
            assertEquals(1000, jedis.strlen("k:299999"));
        }
    }
}
