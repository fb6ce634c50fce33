package dev.cachectl.redis.copy;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.config.Endpoint;
import dev.cachectl.migrate.Timeouts;
import dev.cachectl.progress.ProgressListener;
import dev.cachectl.testing.Await;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import dev.cachectl.testing.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A db the copy would write to that the target lacks: refused before anything is copied (exit 2, one line
 * naming the db and where it came from), and never written into another db by a writer that met it anyway.
 */
class MigrateMissingDbTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    private Jedis redis(String name, int db) {
        Jedis jedis = new Jedis("127.0.0.1", home.port(name));
        jedis.select(db);
        return jedis;
    }

    /**
     * A managed instance with two dbs: {@code start} has no option for it, so its redis-server is a wrapper
     * that adds {@code --databases 2} (and {@code extra}) after cachectl's own arguments.
     */
    private void startWithTwoDbs(String name, String extra) throws IOException {
        String server = Processes.output("sh", "-c", "command -v redis-server").trim();
        Path wrapper = home.workDir().resolve("redis-server-" + name);
        Files.writeString(wrapper, "#!/bin/sh\nexec " + server + " \"$@\" --databases 2 " + extra + "\n");
        assertTrue(wrapper.toFile().setExecutable(true));
        home.run("start", name, "--binary", wrapper.toString()).assertOk();
    }

    private void load(String name, int db, String prefix, int n) {
        try (Jedis jedis = redis(name, db); Pipeline p = jedis.pipelined()) {
            for (int i = 0; i < n; i++) {
                p.set(prefix + i, "v" + i);
            }
            p.sync();
        }
    }

    private List<Long> dbSizes(String name, int dbs) {
        List<Long> sizes = new ArrayList<>();
        for (int db = 0; db < dbs; db++) {
            try (Jedis jedis = redis(name, db)) {
                sizes.add(jedis.dbSize());
            }
        }
        return sizes;
    }

    @Test
    void a_negative_db_number_is_a_usage_error_before_any_server_is_contacted() {
        // nothing listens on these: an answer about them would be exit 3
        String src = "redis://127.0.0.1:1";
        String dst = "redis://127.0.0.1:2";
        String[][] cases = {{"--db", "-1"}, {"--db", "0,-3"}, {"--db-map", "-1:2"}, {"--db-map", "0:-2"}};
        for (String[] option : cases) {
            CliResult bad = home.run("migrate", src, dst, option[0], option[1]).assertExit(2);
            assertEquals(option[0] + " takes db numbers of 0 or more (it is " + (option[1].contains("-3") ? -3
                    : option[1].equals("0:-2") ? -2 : -1) + ")", bad.err().strip().replaceFirst("^cachectl: ", ""), bad.toString());
        }
    }

    @Test
    void a_source_db_the_target_lacks_is_refused_before_anything_is_copied_by_either_reader() throws IOException {
        home.run("start", "src").assertOk();
        startWithTwoDbs("dst", "");
        load("src", 0, "k:", 20_000);
        load("src", 1, "one:", 100);
        load("src", 3, "three:", 50);
        load("dst", 1, "own:", 10);
        for (List<String> how : List.of(List.of("--reader", "scan"), List.of("--reader", "sync"), List.of("--dry-run"))) {
            List<String> args = new ArrayList<>(List.of("migrate", "src", "dst"));
            args.addAll(how);
            CliResult refused = home.run(args.toArray(String[]::new)).assertExit(2);
            assertTrue(refused.err().contains("has no db 3 (it has 2: 0 to 1) for the keys of source db 3: map them with "
                    + "--db-map 3:N, or leave them out with --db"), how + "\n" + refused);
            assertEquals(List.of(0L, 10L), dbSizes("dst", 2), how + ": the target was written to\n" + refused);
        }
    }

    @Test
    void a_target_that_forbids_config_is_checked_with_select() throws IOException {
        home.run("start", "src").assertOk();
        startWithTwoDbs("dst", "--rename-command CONFIG \"\"");
        try (Jedis src = redis("src", 0)) {
            src.configSet("repl-diskless-sync-delay", "0");
        }
        load("src", 0, "k:", 100);
        load("src", 3, "three:", 50);
        CliResult refused = home.run("migrate", "src", "dst", "--reader", "sync").assertExit(2);
        assertTrue(refused.err().contains("has no db 3 for the keys of source db 3"), refused.toString());
        assertEquals(List.of(0L, 0L), dbSizes("dst", 2), refused.toString());
        // the dbs it has pass the same check
        home.run("migrate", "src", "dst", "--db", "0", "--reader", "sync").assertOk();
        assertEquals(List.of(100L, 0L), dbSizes("dst", 2));
    }

    @Test
    void a_db_map_to_a_db_the_target_lacks_is_refused_in_a_dry_run_and_by_either_reader() {
        home.run("start", "src", "dst").assertOk();
        load("src", 0, "k:", 500);
        try (Jedis dst = redis("dst", 0)) {
            dst.set("k:1", "the target's own");
        }
        for (String how : List.of("scan", "sync", "dry-run")) {
            List<String> args = new ArrayList<>(List.of("migrate", "src", "dst", "--db", "0", "--db-map", "0:99"));
            args.addAll(how.equals("dry-run") ? List.of("--dry-run") : List.of("--reader", how));
            CliResult refused = home.run(args.toArray(String[]::new)).assertExit(2);
            assertTrue(refused.err().contains("has no db 99 (it has 16: 0 to 15), which --db-map 0:99 writes source db 0 to"),
                    how + "\n" + refused);
            List<Long> untouched = new ArrayList<>(List.of(1L));
            untouched.addAll(java.util.Collections.nCopies(15, 0L));
            assertEquals(untouched, dbSizes("dst", 16), how + "\n" + refused);
            try (Jedis dst = redis("dst", 0)) {
                assertEquals("the target's own", dst.get("k:1"), how);
            }
        }
    }

    @Test
    void a_source_db_mapped_twice_is_a_usage_error() {
        CliResult twice = home.run("migrate", "redis://127.0.0.1:1", "redis://127.0.0.1:2", "--db-map", "0:1",
                "--db-map", "0:2").assertExit(2);
        assertTrue(twice.err().contains("--db-map maps source db 0 twice (0:1 and 0:2)"), twice.toString());
        home.run("migrate", "redis://127.0.0.1:1", "redis://127.0.0.1:2", "--db-map", "0:1,1:2,0:2").assertExit(2);
        // the same mapping twice says nothing new, and is not refused: the run goes on to find no server there
        home.run("migrate", "redis://127.0.0.1:1", "redis://127.0.0.1:2", "--db-map", "0:1", "--db-map", "0:1")
                .assertExit(3);
    }

    @Test
    void a_db_the_source_begins_to_use_during_a_live_follow_stops_it_before_any_key_lands_elsewhere() throws Exception {
        home.run("start", "src").assertOk();
        startWithTwoDbs("dst", "");
        try (Jedis src = redis("src", 0)) {
            src.configSet("repl-diskless-sync-delay", "0");
        }
        load("src", 0, "k:", 100);
        load("src", 1, "one:", 10);
        // without the fix the follow would go on: --until caught-up ends it (with another exit code) after the settle
        CompletableFuture<CliResult> migrate = CompletableFuture.supplyAsync(() -> home.run("migrate", "src", "dst",
                "--live", "--until", "caught-up", "--settle", "10s"), command -> new Thread(command, "migrate").start());
        try (Jedis src = redis("src", 3)) {
            Await.until(Duration.ofSeconds(30), "cachectl listed as a replica of the source",
                    () -> src.info("replication").contains("slave0:"));
            src.set("late:1", "written to db 3 during the follow");
            src.set("late:2", "and another");
        }
        CliResult refused = migrate.get(60, TimeUnit.SECONDS).assertExit(2);
        assertTrue(refused.err().contains("has no db 3 (it has 2: 0 to 1) for the keys of source db 3"), refused.toString());
        try (Jedis dst0 = redis("dst", 0); Jedis dst1 = redis("dst", 1)) {
            assertEquals(List.of(), List.copyOf(dst0.keys("late:*")), refused.toString());
            assertEquals(List.of(), List.copyOf(dst1.keys("late:*")), refused.toString());
            assertEquals(10, dst1.dbSize(), refused.toString());
        }
    }

    /** The writer of the sync reader on its own: a db the target refuses to SELECT stops it before the writes behind. */
    @Test
    void a_snapshot_batch_for_a_db_the_target_lacks_is_neither_written_elsewhere_nor_counted() throws Exception {
        home.run("start", "dst").assertOk();
        Counters counters = new Counters();
        List<CachectlException> aborted = new ArrayList<>();
        Endpoint endpoint = Endpoint.parse("redis://127.0.0.1:" + home.port("dst"));
        try (Target target = Target.open(endpoint, Timeouts.DEFAULT)) {
            SnapshotOutcomes outcomes = new SnapshotOutcomes(endpoint, counters, ProgressListener.none(), aborted::add);
            CachectlException refused;
            try (PipeSnapshotSink sink = new PipeSnapshotSink(target, true, outcomes)) {
                sink.write(List.of(entry(0, 0, "a"), entry(0, 0, "b")));
                refused = assertThrows(CachectlException.class, () -> sink.write(List.of(entry(0, 0, "c"),
                        entry(0, 99, "mapped:1"), entry(0, 99, "mapped:2"))));
                sink.drain();
            }
            assertEquals(ExitCode.USAGE, refused.exitCode());
            assertTrue(refused.getMessage().contains("has no db 99 (it has 16: 0 to 15), which --db-map 0:99"),
                    refused.getMessage());
        }
        assertEquals(List.of(), aborted);
        assertEquals(3, counters.copied.sum(), "only the keys written are counted");
        try (Jedis dst = redis("dst", 0)) {
            assertEquals(3, dst.dbSize());
            assertEquals(List.of(), List.copyOf(dst.keys("mapped:*")));
        }
    }

    private static SnapshotEntry entry(int sourceDb, int targetDb, String key) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        return new SnapshotEntry(sourceDb, k, targetDb, k, 0, "v".getBytes(StandardCharsets.UTF_8), null, 1);
    }
}
