package dev.cachectl.warm;

import java.time.Duration;
import dev.cachectl.testing.Await;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CachectlProcess;
import dev.cachectl.testing.CliResult;
import dev.cachectl.testing.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a cron job relies on: stdin, one run at a time, locks that survive kill -9, and cheap skips. */
class WarmUnattendedTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void stdin_loads_and_a_second_run_exits_5_while_the_first_holds_the_lock() throws Exception {
        home.run("start", "t").assertOk();
        Files.writeString(home.workDir().resolve("other.jsonl"), "{\"id\":99,\"v\":\"x\"}\n");
        Process first = warmFromStdin("--lock", "nightly");
        OutputStream stdin = first.getOutputStream();
        stdin.write("{\"id\":1,\"v\":\"a\"}\n{\"id\":2,\"v\":\"b\"}\n".getBytes(StandardCharsets.UTF_8));
        stdin.flush();
        awaitLockHeldBy(first, "nightly");

        CliResult second = home.run("warm", "other.jsonl", "--to", "t", "--key", "k:{id}", "--value", "v", "--lock", "nightly")
                .assertExit(5);
        assertEquals(1, second.err().lines().count(), second.toString());
        assertTrue(second.err().contains("skipped: another warm run holds the lock 'nightly' (pid " + first.pid()), second.toString());
        // with --json, the skip is a summary like any other: one document on stdout
        CliResult json = home.run("--json", "warm", "other.jsonl", "--to", "t", "--key", "k:{id}", "--value", "v", "--lock", "nightly")
                .assertExit(5);
        com.fasterxml.jackson.databind.JsonNode doc = dev.cachectl.cli.JsonSchemaTest.valid("warm", json);
        assertEquals("skipped", doc.get("outcome").asText(), json.toString());
        assertEquals(5, doc.get("exit_code").asInt(), json.toString());

        stdin.write("{\"id\":3,\"v\":\"c\"}".getBytes(StandardCharsets.UTF_8)); // no final newline: still a record
        stdin.close();
        assertTrue(first.waitFor(30, TimeUnit.SECONDS), "the first run never finished");
        assertEquals(0, first.exitValue(), log());
        assertTrue(log().contains("warm stdin → t: read 3, written 3"), log());
        try (Jedis redis = redis()) {
            assertEquals(3, redis.dbSize());
            assertEquals("c", redis.get("k:3"));
        }
        home.run("warm", "other.jsonl", "--to", "t", "--key", "k:{id}", "--value", "v", "--lock", "nightly").assertOk();
    }

    @Test
    void a_lock_left_behind_by_a_killed_run_does_not_block_the_next() throws Exception {
        home.run("start", "t").assertOk();
        Files.writeString(home.workDir().resolve("users.jsonl"), "{\"id\":1,\"v\":\"x\"}\n");
        Process killed = warmFromStdin("--lock", "hourly");
        awaitLockHeldBy(killed, "hourly");

        Processes.killAndWait(killed.pid());

        assertTrue(Files.exists(lockFile("hourly")), "the lock file stays behind, as after any kill -9");
        home.run("warm", "users.jsonl", "--to", "t", "--key", "k:{id}", "--value", "v", "--lock", "hourly").assertOk();
    }

    @Test
    void hit_ratio_gate_skips_a_warm_cache_with_one_line_and_warms_a_cold_one() throws IOException {
        home.run("start", "t").assertOk();
        Files.writeString(home.workDir().resolve("users.jsonl"), "{\"id\":1,\"v\":\"x\"}\n");
        try (Jedis redis = redis()) {
            redis.set("present", "1");
            for (int i = 0; i < 9; i++) {
                redis.get("present");
            }
            redis.get("absent");
        }

        CliResult skipped = home.run("warm", "users.jsonl", "--to", "t", "--key", "k:{id}", "--value", "v",
                "--if-hit-ratio-below", "0.8").assertOk();
        assertEquals(List.of("warm users.jsonl → t skipped: already warm: hit ratio 90.0% is not below 80.0%"),
                skipped.err().lines().toList());
        CliResult quiet = home.run("warm", "users.jsonl", "--to", "t", "--key", "k:{id}", "--value", "v",
                "--if-hit-ratio-below", "80%", "--quiet").assertOk();
        assertEquals("", quiet.out() + quiet.err());
        try (Jedis redis = redis()) {
            assertEquals(1, redis.dbSize(), "a skipped run wrote something");
        }

        home.run("warm", "users.jsonl", "--to", "t", "--key", "k:{id}", "--value", "v", "--if-hit-ratio-below", "95%").assertOk();
        try (Jedis redis = redis()) {
            assertEquals("x", redis.get("k:1"));
        }
    }

    @Test
    void keys_gate_skips_while_the_cache_holds_enough_keys() throws IOException {
        home.run("start", "t").assertOk();
        Files.writeString(home.workDir().resolve("users.jsonl"), "{\"id\":1,\"v\":\"x\"}\n{\"id\":2,\"v\":\"y\"}\n");

        home.run("warm", "users.jsonl", "--to", "t", "--key", "k:{id}", "--value", "v", "--if-keys-below", "2").assertOk();
        CliResult skipped = home.run("warm", "users.jsonl", "--to", "t", "--key", "n:{id}", "--value", "v",
                "--if-keys-below", "2", "--json").assertOk();

        assertTrue(skipped.out().contains("\"outcome\" : \"skipped\""), skipped.toString());
        assertTrue(skipped.out().contains("2 keys, not below 2"), skipped.toString());
        try (Jedis redis = redis()) {
            assertEquals(2, redis.dbSize());
        }
    }

    @Test
    void ctrl_c_stops_a_warm_with_its_summary_and_exit_130() throws Exception {
        home.run("start", "t").assertOk();
        StringBuilder records = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            records.append("{\"id\":").append(i).append(",\"v\":\"x\"}\n");
        }
        Files.writeString(home.workDir().resolve("many.jsonl"), records);
        dev.cachectl.testing.CachectlProcess run = dev.cachectl.testing.CachectlProcess.launch(home, "warm.log", "warm",
                "many.jsonl", "--to", "t", "--key", "k:{id}", "--value", "v", "--rate", "2000", "--batch", "100",
                "--progress", "none");
        try (Jedis redis = redis()) {
            Await.until(Duration.ofSeconds(20), "warm made no progress", () -> {
                assertTrue(run.process().isAlive(), () -> "warm ended early: " + run.log());
                return redis.dbSize() >= 1000;
            });
        }
        run.signal("-INT", true);
        assertTrue(run.process().waitFor(20, TimeUnit.SECONDS), "warm did not stop on SIGINT");
        assertEquals(130, run.process().exitValue(), run.log());
        assertTrue(run.log().contains("interrupted by SIGINT"), run.log());
        try (Jedis redis = redis()) {
            long keys = redis.dbSize();
            assertTrue(keys < 20_000, "the run was interrupted");
            assertTrue(run.log().contains("written " + keys + ","), "the summary counts what the target holds: " + run.log());
        }
    }

    @Test
    void records_from_a_pipe_that_pauses_are_written_at_once_and_sigterm_ends_the_wait() throws Exception {
        home.run("start", "t").assertOk();
        CachectlProcess run = CachectlProcess.launch(home, "slow.log", "warm", "-", "--to", "t", "--key", "k:{id}",
                "--value", "v", "--progress", "none");
        run.type(records(0, 100)); // and the pipe stays open, as behind a slow export

        try (Jedis redis = redis()) {
            Await.until(Duration.ofSeconds(30), () -> "the records sent were not written: " + run.log(), () -> {
                assertTrue(run.process().isAlive(), () -> "warm ended early: " + run.log());
                return redis.dbSize() == 100;
            });
        }
        run.signal("-TERM", true); // what cron's timeout sends
        assertEquals(130, run.exitWithin(Duration.ofSeconds(15)), run.log());
        assertTrue(run.log().contains("interrupted by SIGTERM"), run.log());
        assertTrue(run.log().contains("warm stdin → t: read 100, written 100,"), run.log());
    }

    @Test
    void ctrl_c_while_records_trickle_in_writes_and_counts_those_already_read() throws Exception {
        home.run("start", "t").assertOk();
        CachectlProcess run = CachectlProcess.launch(home, "trickle.log", "warm", "-", "--to", "t", "--key", "k:{id}",
                "--value", "v", "--progress", "none", "--lock", "trickle");
        awaitLockHeldBy(run.process(), "trickle");
        // one record every 50 ms, never a pause long enough to send a partial batch: the signal finds one being filled
        AtomicInteger typed = new AtomicInteger();
        Thread producer = new Thread(() -> {
            try {
                while (run.process().isAlive()) {
                    run.type(records(typed.get(), 1));
                    typed.incrementAndGet();
                    Thread.sleep(50);
                }
            } catch (IOException | InterruptedException e) {
                // the process has ended, its stdin with it
            }
        });
        producer.setDaemon(true);
        producer.start();
        Await.until(Duration.ofSeconds(20), "the producer never got going", () -> typed.get() >= 20);

        run.signal("-INT", true);
        assertEquals(130, run.exitWithin(Duration.ofSeconds(15)), run.log());
        producer.join(5_000);
        assertTrue(run.log().contains("interrupted by SIGINT"), run.log());
        Matcher summary = Pattern.compile("read (\\d+), written (\\d+), skipped 0, malformed 0, failed 0").matcher(run.log());
        assertTrue(summary.find(), run.log());
        try (Jedis redis = redis()) {
            long keys = redis.dbSize();
            assertTrue(keys > 0, "the records read before the signal were dropped: " + run.log());
            assertEquals(Long.toString(keys), summary.group(1), "the summary counts what was read: " + run.log());
            assertEquals(Long.toString(keys), summary.group(2), "the summary counts what the target holds: " + run.log());
        }
    }

    @Test
    void sigterm_writes_every_record_taken_from_the_pipe_and_reports_the_line_cut_short() throws Exception {
        home.run("start", "t").assertOk();
        CachectlProcess run = CachectlProcess.launch(home, "drain.log", "warm", "-", "--to", "t", "--key", "k:{id}",
                "--value", "v", "--progress", "none", "--rate", "5000", "--batch", "100");
        // about 400 KB: less than warm reads ahead, so it all leaves the pipe long before the rate has written it;
        // the last line has no end yet, and the pipe stays open, as behind an export still writing
        Thread producer = new Thread(() -> {
            try {
                run.type(records(0, 20_000) + "{\"id\":20000,\"v\":\"par");
            } catch (IOException e) {
                // the process has ended
            }
        });
        producer.setDaemon(true);
        producer.start();
        try (Jedis redis = redis()) {
            Await.until(Duration.ofSeconds(30), () -> "warm made no progress: " + run.log(), () -> {
                assertTrue(run.process().isAlive(), () -> "warm ended early: " + run.log());
                return redis.dbSize() >= 2_000;
            });
        }
        producer.join(10_000);

        // every whole record taken from the pipe is written, the one cut short counted
        sigtermEndsWith(run, "read 20001, written 20000, skipped 0, malformed 1, failed 0",
                "line 20001: cut short by the stop: the 20 bytes read of it had no end of line yet; not written", 20_000);
    }

    @Test
    void sigterm_writes_what_was_read_ahead_at_once_not_at_the_rate() throws Exception {
        home.run("start", "t").assertOk();
        CachectlProcess run = CachectlProcess.launch(home, "slow.log", "warm", "-", "--to", "t", "--key", "k:{id}",
                "--value", "v", "--progress", "none", "--rate", "100");
        // about 50 KB, all taken from the pipe at once: at 100 records/s the rest would take about 30 s
        run.type(records(0, 3_000));
        try (Jedis redis = redis()) {
            Await.until(Duration.ofSeconds(30), () -> "warm made no progress: " + run.log(), () -> {
                assertTrue(run.process().isAlive(), () -> "warm ended early: " + run.log());
                return redis.dbSize() >= 50;
            });
        }
        run.signal("-TERM", true);
        assertEquals(130, run.exitWithin(Duration.ofSeconds(10)), "the stop waited for --rate: " + run.log());
        assertTrue(run.log().contains("warm stdin → t: read 3000, written 3000, skipped 0, malformed 0, failed 0"), run.log());
        try (Jedis redis = redis()) {
            assertEquals(3_000, redis.dbSize(), run.log());
        }
    }

    @Test
    void sigterm_never_writes_a_csv_record_cut_short_by_the_stop() throws Exception {
        home.run("start", "t").assertOk();
        CachectlProcess run = CachectlProcess.launch(home, "cut.log", "warm", "-", "--format", "csv", "--to", "t",
                "--key", "k:{id}", "--value", "v", "--progress", "none");
        run.type("id,v\n1,a\n2,b\n3,c\n4,abc"); // "4,ab…" would make a record of its own: it must not
        try (Jedis redis = redis()) {
            Await.until(Duration.ofSeconds(30), () -> "the records sent were not written: " + run.log(), () -> {
                assertTrue(run.process().isAlive(), () -> "warm ended early: " + run.log());
                return redis.dbSize() == 3;
            });
        }

        sigtermEndsWith(run, "read 4, written 3, skipped 0, malformed 1, failed 0", "line 5: cut short by the stop", 3);
    }

    /** SIGTERM, then exit 130 with {@code counts} in the summary, {@code cut} among the errors, and {@code keys} in the target. */
    private void sigtermEndsWith(CachectlProcess run, String counts, String cut, long keys) throws Exception {
        run.signal("-TERM", true);
        assertEquals(130, run.exitWithin(Duration.ofSeconds(30)), run.log());
        assertTrue(run.log().contains("warm stdin → t: " + counts), run.log());
        assertTrue(run.log().contains(cut), run.log());
        try (Jedis redis = redis()) {
            assertEquals(keys, redis.dbSize(), run.log());
        }
    }

    @Test
    void sigterm_before_stdin_has_sent_anything_exits_130_at_once() throws Exception {
        home.run("start", "t").assertOk();
        CachectlProcess run = CachectlProcess.launch(home, "silent.log", "warm", "-", "--format", "csv", "--to", "t",
                "--key", "k:{id}", "--value", "v", "--progress", "none", "--lock", "silent");
        awaitLockHeldBy(run.process(), "silent"); // then it waits for the CSV header

        run.signal("-TERM", true);
        assertEquals(130, run.exitWithin(Duration.ofSeconds(15)), run.log());
        assertTrue(run.log().contains("interrupted by SIGTERM"), run.log());
        assertTrue(run.log().contains("warm stdin → t: read 0, written 0,"), run.log());
    }

    private static String records(int from, int count) {
        StringBuilder s = new StringBuilder();
        for (int i = from; i < from + count; i++) {
            s.append("{\"id\":").append(i).append(",\"v\":\"x\"}\n");
        }
        return s.toString();
    }

    private Process warmFromStdin(String... more) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "dev.cachectl.Cachectl", "warm", "-", "--to", "t", "--key", "k:{id}", "--value", "v", "--progress", "none"));
        command.addAll(List.of(more));
        ProcessBuilder pb = new ProcessBuilder(command).directory(home.workDir().toFile())
                .redirectErrorStream(true)
                .redirectOutput(home.workDir().resolve("warm.log").toFile());
        pb.environment().clear();
        pb.environment().putAll(home.env());
        return pb.start();
    }

    /** The holder writes its pid into the lock file once it has the lock. */
    private void awaitLockHeldBy(Process p, String lock) throws Exception {
        Path file = lockFile(lock);
        Await.until(Duration.ofSeconds(30), "warm never took the lock", () -> {
            assertTrue(p.isAlive(), () -> "warm exited early: " + log());
            return Files.exists(file) && Files.readString(file).startsWith("pid " + p.pid() + ",");
        });
    }

    private Path lockFile(String lock) {
        return home.root().resolve("locks").resolve("warm-" + lock + ".lock");
    }

    private String log() {
        try {
            return Files.readString(home.workDir().resolve("warm.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private Jedis redis() {
        return new Jedis("127.0.0.1", home.port("t"));
    }
}
