package dev.cachectl.redis.rdb;

import dev.cachectl.testing.CachectlHome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Parse speed over an RDB of 1M 100-byte strings, printed rather than asserted; run by hand:
 * {@code mvn -pl cli test -Dtest=RdbThroughputCheck -Dcachectl.rdb.throughput=true}.
 */
@EnabledIfSystemProperty(named = "cachectl.rdb.throughput", matches = "true")
class RdbThroughputCheck {
    private static final int KEYS = 1_000_000;

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void keys_per_second() throws Exception {
        home.run("start", "a").assertOk();
        Path file;
        try (Jedis jedis = new Jedis("127.0.0.1", home.port("a"))) {
            // random values, which LZF leaves alone: the plain-string path; compressible ones add inflating
            java.util.Random random = new java.util.Random(1);
            byte[] value = new byte[100];
            Pipeline p = jedis.pipelined();
            for (int i = 0; i < KEYS; i++) {
                random.nextBytes(value);
                p.set(("key:" + i).getBytes(StandardCharsets.US_ASCII), value.clone());
                if (i % 10_000 == 9_999) {
                    p.sync();
                }
            }
            p.sync();
            file = Path.of(jedis.configGet("dir").get("dir"), jedis.configGet("dbfilename").get("dbfilename"));
            jedis.save();
        }
        for (int round = 0; round < 5; round++) {
            run(file, "stringValue", false);
            run(file, "dumpPayload", true);
        }
    }

    private static void run(Path file, String what, boolean dump) throws Exception {
        long start = System.nanoTime();
        long keys = 0;
        long bytes = 0;
        try (InputStream in = Files.newInputStream(file)) {
            RdbReader reader = new RdbReader(in, 1 << 20);
            while (reader.next()) {
                bytes += dump ? reader.dumpPayload().length : reader.stringValue().length;
                keys++;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("%s: %d keys (a %d MB RDB) in %.2f s: %.0f keys/s%n",
                what, keys, Files.size(file) >> 20, seconds, keys / seconds);
        if (bytes == 0) {
            throw new AssertionError("nothing read");
        }
    }
}
