package dev.cachectl.util;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A transient lock's file exists only while someone holds it, and removing it never lets two holders in. */
class FileLocksTest {

    @TempDir
    Path dir;

    @Test
    void a_waiter_on_a_removed_lock_file_gets_the_lock_on_a_new_one_and_stays_exclusive() throws Exception {
        Path file = dir.resolve("x.lock");
        FileLocks.Held first = FileLocks.acquireTransient(file, Duration.ZERO).orElseThrow();
        CompletableFuture<FileLocks.Held> waiter = CompletableFuture.supplyAsync(
                () -> FileLocks.acquireTransient(file, Duration.ofSeconds(20)).orElseThrow());
        assertFalse(waiter.isDone(), "the lock was taken twice");

        first.close();
        FileLocks.Held second = waiter.get(20, TimeUnit.SECONDS);
        try {
            assertTrue(Files.exists(file), "the holder's lock file is gone");
            Optional<FileLocks.Held> third = FileLocks.acquireTransient(file, Duration.ofMillis(200));
            third.ifPresent(FileLocks.Held::close);
            assertTrue(third.isEmpty(), "a second holder got the lock while the first still held it");
        } finally {
            second.close();
        }
        assertFalse(Files.exists(file), "the lock file outlived its last holder");
    }

    @Test
    void holders_taking_and_releasing_a_transient_lock_in_a_tight_loop_never_fail_and_never_overlap() throws Exception {
        Path file = dir.resolve("busy.lock");
        java.util.concurrent.atomic.AtomicInteger inside = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger overlaps = new java.util.concurrent.atomic.AtomicInteger();
        Runnable holder = () -> {
            for (int i = 0; i < 1500; i++) {
                // a file removed by the holder before, between this one's open and its lock, is not an error
                try (FileLocks.Held held = FileLocks.acquireTransient(file, Duration.ofSeconds(20)).orElseThrow()) {
                    if (inside.incrementAndGet() > 1) {
                        overlaps.incrementAndGet();
                    }
                    inside.decrementAndGet();
                }
            }
        };
        CompletableFuture<?>[] holders = new CompletableFuture<?>[3];
        for (int i = 0; i < holders.length; i++) {
            holders[i] = CompletableFuture.runAsync(holder);
        }
        CompletableFuture.allOf(holders).get(60, TimeUnit.SECONDS);
        assertTrue(overlaps.get() == 0, overlaps + " times two holders held the lock at once");
        assertFalse(Files.exists(file), "the lock file outlived its last holder");
    }
}
