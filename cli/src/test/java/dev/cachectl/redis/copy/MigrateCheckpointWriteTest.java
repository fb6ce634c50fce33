package dev.cachectl.redis.copy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.testing.Await;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.Faults;
import dev.cachectl.testing.CachectlProcess;
import dev.cachectl.testing.CliResult;
import dev.cachectl.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A checkpoint that cannot be written (a full disk, here a folder in the file's place, so that the
 * rename of the written temporary file fails with a real error even for root) ends the run like a lost
 * server: one line saying why, the summary of how far it got, exit 1, and --resume goes on from the
 * checkpoint saved before.
 */
class MigrateCheckpointWriteTest {
    private static final int KEYS = 60_000;

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    @Timeout(120)
    void a_checkpoint_that_cannot_be_written_stops_the_run_with_its_summary_and_resume_finishes() throws Exception {
        home.run("start", "src", "dst").assertOk();
        Faults.loadStrings(home, "src", KEYS);
        Path dir = home.workDir().resolve("ckpt");
        Path file = dir.resolve("job.json");
        CachectlProcess run = CachectlProcess.launch(home, "migrate.log", "migrate", "src", "dst", "--reader", "scan",
                "--rate", "8000", "--threads", "2", "--batch", "200", "--scan-count", "200", "--progress", "none",
                "--checkpoint", file.toString());
        try (Jedis dst = new Jedis("127.0.0.1", home.port("dst"))) {
            Await.until(Duration.ofSeconds(30), "migrate made no progress", () -> {
                assertTrue(run.process().isAlive(), () -> "migrate ended early: " + run.log());
                return dst.dbSize() >= 10_000 && Files.isRegularFile(file);
            });
        }
        Path saved = home.workDir().resolve("saved.json");
        blockWithAFolder(file, saved);

        int exit = run.exitWithin(Duration.ofSeconds(30));
        String log = run.log();
        assertEquals(1, exit, log);
        List<String> errors = log.lines().filter(l -> l.contains("cachectl:")).toList();
        assertEquals(1, errors.size(), log);
        assertTrue(errors.get(0).contains("cannot write checkpoint " + file + ": "), log);
        assertTrue(errors.get(0).contains("--resume continues from it"), log);
        assertFalse(log.contains("--verbose"), log);
        assertFalse(log.contains("Exception"), log);
        assertTrue(log.contains("migrate failed: "), "no summary of how far it got: " + log);
        assertTrue(log.contains("checkpoint saved: " + file), log);
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(file), left.toList(), "a temporary file was left behind");
        }

        Files.delete(file.resolve("in-the-way"));
        Files.delete(file);
        Files.move(saved, file);
        CliResult resumed = home.run("migrate", "src", "dst", "--resume", "--checkpoint", file.toString(), "--json").assertOk();
        JsonNode summary = Json.MAPPER.readTree(resumed.out());
        assertTrue(summary.get("resumed").asBoolean(), resumed.toString());
        assertTrue(summary.get("scanned").asLong() < KEYS, "the resume started over: " + resumed);
        try (Jedis src = new Jedis("127.0.0.1", home.port("src")); Jedis dst = new Jedis("127.0.0.1", home.port("dst"))) {
            assertEquals(KEYS, dst.dbSize());
            for (int i = 0; i < KEYS; i += 997) {
                assertEquals(src.get("k:" + i), dst.get("k:" + i));
            }
        }
        assertFalse(Files.exists(file), "a finished job leaves no checkpoint");
    }

    /**
     * Moves the checkpoint aside and puts a folder that is not empty in its place; the run writes a new
     * checkpoint every second, so one may land between the two steps: then move that one aside too.
     */
    private static void blockWithAFolder(Path file, Path saved) throws Exception {
        Await.until(Duration.ofSeconds(10), "could not put a folder in the checkpoint's place", () -> {
            Files.move(file, saved, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            try {
                Files.createDirectory(file);
            } catch (FileAlreadyExistsException e) {
                return false;
            }
            Files.createFile(file.resolve("in-the-way"));
            return true;
        });
    }
}
