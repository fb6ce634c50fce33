package dev.cachectl.util;

import dev.cachectl.testing.Tmpfs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A transient lock's file exists only while someone holds it, and removing it never lets two holders in; a lock
 * held by one process keeps out another, whatever the holder's own threads did with the file meanwhile.
 */
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

    @Test
    void a_transient_lock_held_by_one_process_keeps_another_out() throws Exception {
        // the holder's check that the name still leads to its file opened and closed the file a second time,
        // and closing any descriptor of a file drops the process's POSIX locks on it: two 'start's of one
        // name both went ahead
        assertHeldAgainstThisProcess(dir.resolve("t.lock"), "transient");
    }

    @Test
    void a_second_thread_trying_a_held_lock_leaves_it_held_against_other_processes() throws Exception {
        // the second thread's channel, refused by the JVM, was closed: the first thread's lock went with it
        assertHeldAgainstThisProcess(dir.resolve("p.lock"), "contended");
    }

    @Test
    void a_transient_lock_is_taken_and_released_on_a_full_disk() throws Exception {
        // 'stop' on a full disk could not take its instance's lock: the mark that proves the lock file still has its
        // name was written into the file, and there was no room for it
        try (Tmpfs full = Tmpfs.mount(Files.createDirectory(dir.resolve("full")), "64k")) {
            full.fill();
            Path file = full.dir().resolve("x.lock");
            try (FileLocks.Held held = FileLocks.acquireTransient(file, Duration.ZERO).orElseThrow()) {
                assertTrue(Files.exists(file));
            }
            assertFalse(Files.exists(file), "the lock file outlived its holder");
        }
    }

    @Test
    void a_home_on_a_file_system_mounted_read_only_is_still_read_and_a_write_there_is_one_line() throws Exception {
        // every command ensures its home exists; on a read-only mount that chmod of a folder already right failed
        try (Tmpfs mount = Tmpfs.mount(Files.createDirectory(dir.resolve("ro")), "1m")) {
            dev.cachectl.lifecycle.Home home = new dev.cachectl.lifecycle.Home(mount.dir().resolve("home")).ensure();
            mount.readOnly();
            assertEquals(home.root(), home.ensure().root(), "a home already as it should be is left untouched");
            dev.cachectl.CachectlException e = org.junit.jupiter.api.Assertions.assertThrows(dev.cachectl.CachectlException.class,
                    () -> new dev.cachectl.lifecycle.Home(mount.dir().resolve("other")).ensure());
            assertEquals(dev.cachectl.ExitCode.FAILED, e.exitCode());
            assertEquals("cannot write the home " + mount.dir().resolve("other") + ": Read-only file system", e.getMessage());
        }
    }

    /** A child JVM takes the lock ({@link Holder}); while it holds it, this process must not get it. */
    private static void assertHeldAgainstThisProcess(Path file, String mode) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Holder.class.getName(),
                file.toString(), mode).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("held", out.readLine(), "the child did not take the lock");
            Optional<FileLocks.Held> mine = mode.equals("transient")
                    ? FileLocks.acquireTransient(file, Duration.ofMillis(300)) : FileLocks.acquire(file, Duration.ofMillis(300));
            mine.ifPresent(FileLocks.Held::close);
            assertTrue(mine.isEmpty(), "this process took the lock that process " + child.pid() + " holds");
            child.getOutputStream().close();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child did not end");
            assertEquals(0, child.exitValue());
            try (FileLocks.Held after = (mode.equals("transient") ? FileLocks.acquireTransient(file, Duration.ofSeconds(5))
                    : FileLocks.acquire(file, Duration.ofSeconds(5))).orElseThrow()) {
                assertTrue(after.channel().isOpen());
            }
        } finally {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * Takes the lock at {@code args[0]} ({@code transient}: a transient one; {@code contended}: a plain one,
     * which a second thread then tries and fails to take), says "held", and keeps it until stdin ends.
     */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            Path file = Path.of(args[0]);
            boolean transientLock = args[1].equals("transient");
            try (FileLocks.Held held = (transientLock ? FileLocks.acquireTransient(file, Duration.ofSeconds(10))
                    : FileLocks.acquire(file, Duration.ofSeconds(10))).orElseThrow()) {
                if (args[1].equals("contended")) {
                    Optional<FileLocks.Held> second = CompletableFuture.supplyAsync(() -> FileLocks.tryAcquire(file))
                            .get(10, TimeUnit.SECONDS);
                    if (second.isPresent()) {
                        throw new AssertionError("a second thread took a held lock");
                    }
                }
                System.out.println("held");
                System.out.flush();
                while (System.in.read() >= 0) {
                    // until the test closes our stdin
                }
            }
        }
    }
}
