package dev.cachectl.warm;

import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A file may hold a key more than once (an export followed by updates): the target must end with what
 * the last line says, as with {@code redis-cli --pipe}, however many writer threads map the records.
 */
class WarmOrderTest {
    private static final int KEYS = 2_000;
    /** Ids per block: a block of first values, then the same ids' second values, so each pair spans two batches. */
    private static final int BLOCK = 50;

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void the_last_line_of_a_key_wins_and_with_nx_the_first() throws IOException {
        home.run("start", "t").assertOk();
        writeTwice();

        CliResult warm = home.run("warm", "twice.jsonl", "--to", "t", "--key", "k:{id}", "--value", "v",
                "--threads", "4", "--batch", Integer.toString(BLOCK)).assertOk();
        assertTrue(warm.err().contains("written " + 2 * KEYS), warm.toString());
        CliResult nx = home.run("warm", "twice.jsonl", "--to", "t", "--key", "n:{id}", "--value", "v", "--nx",
                "--threads", "4", "--batch", Integer.toString(BLOCK)).assertOk();
        assertTrue(nx.err().contains("written " + KEYS + ", skipped " + KEYS), nx.toString());

        try (Jedis redis = new Jedis("127.0.0.1", home.port("t"))) {
            assertEquals("", notHolding(redis::get, "k:", "second"));
            assertEquals("", notHolding(redis::get, "n:", "first"));
        }
    }

    @Test
    void the_last_line_of_a_key_wins_in_a_cluster() throws IOException {
        home.run("start", "shard", "--cluster", "3").assertOk();
        writeTwice();

        home.run("warm", "twice.jsonl", "--to", "shard", "--key", "k:{id}", "--value", "v",
                "--threads", "4", "--batch", Integer.toString(BLOCK)).assertOk();

        try (JedisCluster cluster = new JedisCluster(new HostAndPort("127.0.0.1", home.port("shard")))) {
            assertEquals("", notHolding(cluster::get, "k:", "second"));
        }
    }

    /** Each id twice: {@code first} in one block of lines, {@code second} in the next. */
    private void writeTwice() throws IOException {
        StringBuilder lines = new StringBuilder();
        for (int block = 0; block < KEYS; block += BLOCK) {
            for (String value : List.of("first", "second")) {
                for (int id = block; id < block + BLOCK; id++) {
                    lines.append("{\"id\":").append(id).append(",\"v\":\"").append(value).append("\"}\n");
                }
            }
        }
        Files.writeString(home.workDir().resolve("twice.jsonl"), lines);
    }

    /** How many keys {@code prefix}0… do not hold {@code expected}, and the first of them; empty when all do. */
    private static String notHolding(Function<String, String> get, String prefix, String expected) {
        List<String> wrong = new ArrayList<>();
        for (int id = 0; id < KEYS; id++) {
            String value = get.apply(prefix + id);
            if (!expected.equals(value)) {
                wrong.add(prefix + id + "=" + value);
            }
        }
        return wrong.isEmpty() ? "" : wrong.size() + " of " + KEYS + " keys, e.g. " + wrong.subList(0, Math.min(5, wrong.size()));
    }
}
