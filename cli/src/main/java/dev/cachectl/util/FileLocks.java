package dev.cachectl.util;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;

/**
 * OS file locks: the kernel releases them when the holder dies, so a lock file left behind by a
 * kill -9 never blocks the next run.
 */
public final class FileLocks {

    private FileLocks() {
    }

    /** A held lock; closing releases it. */
    public record Held(FileChannel channel, FileLock lock) implements AutoCloseable {
        @Override
        public void close() {
            try {
                lock.release();
            } catch (IOException ignored) {
                // closing the channel below releases it anyway
            }
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
        }
    }

    /** Takes the lock now or returns empty when another process (or thread) holds it. */
    public static Optional<Held> tryAcquire(Path file) {
        try {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            SecureFiles.restrict(file);
            try {
                FileLock lock = ch.tryLock();
                if (lock != null) {
                    return Optional.of(new Held(ch, lock));
                }
            } catch (OverlappingFileLockException e) {
                // held by this JVM
            }
            ch.close();
            return Optional.empty();
        } catch (IOException e) {
            throw new IllegalStateException("cannot open lock file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Waits up to {@code wait} for the lock; empty when it is still held then. */
    public static Optional<Held> acquire(Path file, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            Optional<Held> held = tryAcquire(file);
            if (held.isPresent() || System.nanoTime() > deadline) {
                return held;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }
}
