package dev.cachectl.lifecycle;

import dev.cachectl.testing.Tmpfs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The activity record that status and the supervisor keep: a reading on a full disk is still a reading. */
class ActivityTrackerTest {
    @TempDir
    Path dir;

    @Test
    void a_reading_on_a_full_disk_is_activity_now_and_not_a_failure() throws Exception {
        // status is a read-only probe (cron, Nagios, Prometheus): on a full home it failed with exit 1 after a client
        // command, because the new count could not be recorded
        try (Tmpfs full = Tmpfs.mount(Files.createDirectory(dir.resolve("full")), "64k")) {
            Path instance = Files.createDirectory(full.dir().resolve("cache"));
            ActivityTracker.reset(instance, "run-1", 10, 1_000);
            full.fill();

            assertEquals(Duration.ZERO, ActivityTracker.observe(instance, "run-1", 11, 0, 5_000));
            ActivityTracker.touch(instance, 6_000);
            // what could not be recorded is seen again by the next reading
            assertEquals(Duration.ZERO, ActivityTracker.observe(instance, "run-1", 11, 0, 7_000));
        }
    }
}
