package dev.cachectl.util;

import dev.cachectl.CachectlException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * OS file locks: the kernel releases them when the holder dies, so a lock file left behind by a
 * kill -9 never blocks the next run. A lock taken with {@link #acquireTransient} removes its file
 * when released, so a folder of per-name locks does not keep a file for every name ever tried.
 */
public final class FileLocks {
    private static final AtomicLong MARKS = new AtomicLong();

    private FileLocks() {
    }

    /** A held lock; closing releases it (and first removes {@code removeOnClose}, when set). */
    public record Held(FileChannel channel, FileLock lock, Path removeOnClose) implements AutoCloseable {
        @Override
        public void close() {
            if (removeOnClose != null) {
                try {
                    // while still held: whoever opened this file meanwhile finds, once it has the lock, that the
                    // name no longer leads to it, and tries again on a new file
                    Files.deleteIfExists(removeOnClose);
                } catch (IOException ignored) {
                    // a file left behind only costs a directory entry
                }
            }
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
        return tryAcquire(file, false);
    }

    private static Optional<Held> tryAcquire(Path file, boolean transientFile) {
        try {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            try {
                SecureFiles.restrict(file);
            } catch (NoSuchFileException removed) {
                // a transient lock's last holder removed the file since it was opened: not one to lock, try again
                ch.close();
                return Optional.empty();
            } catch (IOException e) {
                ch.close();
                throw e;
            }
            try {
                FileLock lock = ch.tryLock();
                if (lock != null) {
                    Held held = new Held(ch, lock, transientFile ? file : null);
                    if (!transientFile || stillNamed(file, ch)) {
                        return Optional.of(held);
                    }
                    // the holder before us removed the file we locked: the lock is on the new one, if any
                    lock.release();
                }
            } catch (OverlappingFileLockException e) {
                // held by this JVM
            }
            ch.close();
            return Optional.empty();
        } catch (IOException e) {
            // the home is not writable, or full: a problem of the machine, said as one, not as a bug
            throw CachectlException.failed("cannot open lock file " + file + " ("
                    + (e instanceof AccessDeniedException ? "permission denied" : e.getMessage()) + ")", e);
        }
    }

    /**
     * Whether {@code file} still names the file {@code ch} has open: a mark written through the channel
     * must be what the name reads back. Only a lock holder writes, so the mark cannot be someone else's.
     */
    private static boolean stillNamed(Path file, FileChannel ch) throws IOException {
        // this process and a moment of it: unique among holders, and unlike UUID.randomUUID() it does not
        // set up SecureRandom and the security providers, a good share of a 'start'
        byte[] mark = (ProcessHandle.current().pid() + "-" + System.nanoTime() + "-" + MARKS.incrementAndGet() + "\n")
                .getBytes(StandardCharsets.US_ASCII);
        ch.truncate(0);
        ch.write(ByteBuffer.wrap(mark), 0);
        try {
            return Arrays.equals(mark, Files.readAllBytes(file));
        } catch (IOException gone) {
            return false;
        }
    }

    /** Waits up to {@code wait} for the lock; empty when it is still held then. */
    public static Optional<Held> acquire(Path file, Duration wait) {
        return acquire(file, wait, false);
    }

    /** Like {@link #acquire}, for a lock whose file exists only while someone holds it or waits for it. */
    public static Optional<Held> acquireTransient(Path file, Duration wait) {
        return acquire(file, wait, true);
    }

    private static Optional<Held> acquire(Path file, Duration wait, boolean transientFile) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            Optional<Held> held = tryAcquire(file, transientFile);
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
