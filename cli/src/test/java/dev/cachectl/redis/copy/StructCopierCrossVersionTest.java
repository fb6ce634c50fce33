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
import redis.clients.jedis.exceptions.JedisDataException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static dev.cachectl.redis.copy.Samples.assertSameValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** From Redis 7 to the bundled Redis 6.2, which cannot read Redis 7's DUMP payloads. */
class StructCopierCrossVersionTest {
    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    private Jedis seven;
    private Jedis six;

    @BeforeEach
    void servers() throws Exception {
        home.run("start", "seven").assertOk();
        // with no redis-server on PATH, cachectl runs the 6.2 its jar bundles
        Path emptyBin = Files.createDirectory(home.workDir().resolve("empty-bin"));
        home.env().put("PATH", emptyBin.toString());
        home.run("start", "six").assertOk();
        seven = new Jedis("127.0.0.1", home.port("seven"));
        six = new Jedis("127.0.0.1", home.port("six"));
        assumeTrue(seven.info("server").contains("redis_version:7."), "needs redis-server 7 on PATH");
        assertTrue(six.info("server").contains("redis_version:6.2."), "the bundled server is 6.2");
    }

    @AfterEach
    void close() {
        seven.close();
        six.close();
    }

    @Test
    void six_two_rejects_a_redis_7_dump_so_every_type_is_copied_by_type() {
        List<Sample> samples = Samples.writeEveryType(seven, "k");
        byte[] hash = Samples.key("k", "hash");
        JedisDataException rejected = assertThrows(JedisDataException.class,
                () -> six.restore(hash, 0, seven.dump(hash)));
        assertTrue(rejected.getMessage().contains("DUMP payload version or checksum are wrong"), rejected.getMessage());

        StructCopier copier = new StructCopier(seven, six, 50, 1 << 20);
        for (Sample s : samples) {
            Outcome outcome = copier.copy(s.key(), s.key(), s.type(), 0, true);
            assertEquals(Status.COPIED, outcome.status(), s.type() + " " + outcome);
            assertSameValue(seven, s.key(), six, s.key(), s.type());
        }
        byte[] stream = Samples.key("k", "stream");
        var from = StreamReplies.groups(seven.xinfoGroups(stream));
        var to = StreamReplies.groups(six.xinfoGroups(stream));
        assertEquals(from.size(), to.size());
        for (int i = 0; i < from.size(); i++) {
            assertArrayEquals(from.get(i).lastDeliveredId(), to.get(i).lastDeliveredId());
        }
        assertArrayEquals(Samples.bytes("99999-7"),
                StreamReplies.bytesOf(StreamReplies.fields(six.xinfoStream(stream)).get("last-generated-id")));
        assertEquals(Set.of(), Samples.tempKeys(six));
    }

    @Test
    void digests_agree_across_versions_for_the_same_values_written_to_each() {
        List<Sample> samples = Samples.writeEveryType(seven, "k");
        Samples.writeEveryType(six, "k");
        for (Sample s : samples) {
            var digest = ValueDigest.of(seven, s.key(), 7);
            assertTrue(digest.isPresent(), s.type());
            assertEquals(digest, ValueDigest.of(six, s.key(), 7), s.type());
        }
    }
}
