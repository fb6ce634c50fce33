package dev.cachectl.warm;

import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --threads}: how many threads map records, and with one, none but the reader (plus the connection's reply
 * thread): on a machine that also runs the server, threads handing batches on to each other take turns on its core.
 * By default half the cores, from 1 to 4.
 */
class WarmThreadsTest {
    private static final int RECORDS = 300;

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void with_one_thread_the_reader_maps_and_sends_itself() throws Exception {
        home.run("start", "t").assertOk();
        List<String> threads = threadsWhileWarming("one", "--threads", "1");
        assertEquals(List.of(), named(threads, "warm-writer-"), threads.toString());
        assertEquals(List.of(), named(threads, "warm-lane-"), threads.toString());
        assertEquals(List.of("warm-replies"), named(threads, "warm-replies"), threads.toString());
    }

    @Test
    void with_more_they_map_in_parallel_and_one_lane_sends() throws Exception {
        home.run("start", "t").assertOk();
        List<String> threads = threadsWhileWarming("three", "--threads", "3");
        assertEquals(List.of("warm-writer-0", "warm-writer-1", "warm-writer-2"), named(threads, "warm-writer-"), threads.toString());
        assertEquals(List.of("warm-lane-0"), named(threads, "warm-lane-"), threads.toString());
    }

    @Test
    void by_default_half_the_cores_from_one_to_four() throws Exception {
        home.run("start", "t").assertOk();
        int expected = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() / 2));
        List<String> threads = threadsWhileWarming("default");
        assertEquals(expected == 1 ? 0 : expected, named(threads, "warm-writer-").size(), threads.toString());
    }

    /**
     * Warms {@code RECORDS} records from stdin: the first half, then, once they are on the server (the run is under way,
     * every thread of it started), the names of the JVM's live threads are taken and the second half follows. Checks
     * that every record landed, and returns the names.
     */
    private List<String> threadsWhileWarming(String prefix, String... flags) {
        AtomicReference<List<String>> seen = new AtomicReference<>();
        InputStream stdin = new SequenceInputStream(new ByteArrayInputStream(records(0, RECORDS / 2)), new InputStream() {
            private ByteArrayInputStream rest;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (rest == null) {
                    // a pipe that pauses: the records read so far go out (PipeInput.IDLE_MILLIS later)
                    awaitKeys(prefix, RECORDS / 2);
                    seen.set(Thread.getAllStackTraces().keySet().stream().map(Thread::getName).sorted().toList());
                    rest = new ByteArrayInputStream(records(RECORDS / 2, RECORDS));
                }
                return rest.read(b, off, len);
            }
        });
        List<String> args = new java.util.ArrayList<>(List.of("warm", "-", "--to", "t", "--key", prefix + ":{id}", "--value", "v",
                "--progress", "none"));
        args.addAll(List.of(flags));
        CliResult r = home.runWithInput(stdin, args.toArray(String[]::new)).assertOk();
        assertTrue(r.err().contains("read " + RECORDS + ", written " + RECORDS + ","), r.toString());
        assertNotNull(seen.get(), "the second half was read");
        try (Jedis redis = new Jedis("127.0.0.1", home.port("t"))) {
            assertEquals("v" + (RECORDS - 1), redis.get(prefix + ":" + (RECORDS - 1)));
        }
        return seen.get();
    }

    private void awaitKeys(String prefix, int n) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        try (Jedis redis = new Jedis("127.0.0.1", home.port("t"))) {
            while (!redis.exists(prefix + ":" + (n - 1))) {
                assertTrue(System.nanoTime() < deadline, "the first " + n + " records did not land");
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] records(int from, int to) {
        StringBuilder lines = new StringBuilder();
        for (int id = from; id < to; id++) {
            lines.append("{\"id\":").append(id).append(",\"v\":\"v").append(id).append("\"}\n");
        }
        return lines.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> named(List<String> threads, String prefix) {
        return threads.stream().filter(name -> name.startsWith(prefix)).toList();
    }
}
