package dev.cachectl.util;

import dev.cachectl.CachectlException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * OS file locks: the kernel releases them when the holder dies, so a lock file left behind by a
 * kill -9 never blocks the next run. A lock taken with {@link #acquireTransient} removes its file
 * when released, so a folder of per-name locks does not keep a file for every name ever tried.
 * <p>
 * The JDK takes POSIX record locks, which belong to the process, and the kernel drops all of them on a
 * file when the process closes any descriptor of that file. So while a lock is held nothing in this JVM
 * may open and close its file: threads of one JVM take their turn at a path here before they open it,
 * and the check that a transient lock's name still leads to the locked file keeps its reading channel
 * open until the lock is released.
 */
public final class FileLocks {
    private static final AtomicLong MARKS = new AtomicLong();
    /** The lock files a thread of this JVM holds, or is opening to try. */
    private static final Set<Path> IN_USE = ConcurrentHashMap.newKeySet();

    private FileLocks() {
    }

    /** A held lock; closing releases it (and first removes its file, for a transient one). */
    public static final class Held implements AutoCloseable {
        private final FileChannel channel;
        private final FileLock lock;
        private final Path removeOnClose;
        private final FileChannel namedBy;
        private final Path inUse;

        private Held(FileChannel channel, FileLock lock, Path removeOnClose, FileChannel namedBy, Path inUse) {
            this.channel = channel;
            this.lock = lock;
            this.removeOnClose = removeOnClose;
            this.namedBy = namedBy;
            this.inUse = inUse;
        }

        /** The lock file, open for reading and writing (a holder may leave a note in it). */
        public FileChannel channel() {
            return channel;
        }

        /**
         * Replaces what the lock file says with {@code text} (who holds it, for whoever finds it held), through
         * the held channel: opening the file again would drop the lock (see the class comment). Empty clears it.
         */
        public void note(String text) throws IOException {
            channel.truncate(0);
            if (!text.isEmpty()) {
                channel.write(java.nio.ByteBuffer.wrap(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)), 0);
            }
        }

        /**
         * Notes this process as the holder, "pid N, since T", for the message of a run that finds the lock held
         * ({@link #holder}). Best-effort: the lock is what matters, the note is only for that message.
         */
        public void noteHolder() {
            try {
                note("pid " + ProcessHandle.current().pid() + ", since " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "\n");
            } catch (IOException e) {
                // a run that finds the lock held then names no holder
            }
        }

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
            closeQuietly(channel);
            if (namedBy != null) {
                closeQuietly(namedBy);
            }
            IN_USE.remove(inUse);
        }
    }

    /**
     * Whether a thread of this process holds (or is taking) the lock on {@code file}: then the file must not be
     * opened and closed here, which would drop the process's lock on it.
     */
    public static boolean heldInThisProcess(Path file) {
        return IN_USE.contains(file.toAbsolutePath().normalize());
    }

    /**
     * Who holds the lock on {@code file}, as its holder noted it ({@link Held#noteHolder}), for a message:
     * " (pid N, since T)", " (this process)", or "" when the file says nothing readable.
     */
    public static String holder(Path file) {
        if (heldInThisProcess(file)) {
            // a thread of this JVM (the shell) holds it: opening and closing the file here would drop that lock
            return " (this process)";
        }
        try {
            // a transient lock's file holds the taker's mark for a moment first: not a note to show
            String note = Files.readString(file).trim();
            return !note.startsWith("pid ") || note.contains("\n") ? "" : " (" + note + ")";
        } catch (IOException e) {
            return "";
        }
    }

    /** Takes the lock now or returns empty when another process (or thread) holds it. */
    public static Optional<Held> tryAcquire(Path file) {
        return tryAcquire(file, false);
    }

    private static Optional<Held> tryAcquire(Path file, boolean transientFile) {
        Path key = file.toAbsolutePath().normalize();
        if (!IN_USE.add(key)) {
            // another thread of this JVM holds it or is trying it
            return Optional.empty();
        }
        Optional<Held> held = Optional.empty();
        try {
            held = open(file, transientFile, key);
            return held;
        } finally {
            if (held.isEmpty()) {
                IN_USE.remove(key);
            }
        }
    }

    private static Optional<Held> open(Path file, boolean transientFile, Path key) {
        try {
            Object before = transientFile ? identity(file) : null;
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            Object opened = transientFile ? identity(file) : null;
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
                    if (!transientFile) {
                        return Optional.of(new Held(ch, lock, null, null, key));
                    }
                    FileChannel namedBy;
                    try {
                        namedBy = stillNamed(file, ch);
                    } catch (IOException noRoom) {
                        // no room for the mark (a full disk, when stopping servers matters most): what the name led
                        // to before the open, after it and now must be one file, which only its removal and a new
                        // file reusing its inode number in those few moments could fool
                        namedBy = null;
                        if (opened != null && opened.equals(identity(file)) && (before == null || before.equals(opened))) {
                            return Optional.of(new Held(ch, lock, file, null, key));
                        }
                    }
                    if (namedBy != null) {
                        return Optional.of(new Held(ch, lock, file, namedBy, key));
                    }
                    // the holder before us removed the file we locked: the lock is on the new one, if any
                    lock.release();
                }
            } catch (OverlappingFileLockException e) {
                // held by this JVM under another name of the same file
            } catch (IOException | RuntimeException e) {
                // no descriptor left open: it would keep the file (and its lock) until the JVM ends
                closeQuietly(ch);
                throw e;
            }
            ch.close();
            return Optional.empty();
        } catch (IOException e) {
            // the home is not writable, or full: a problem of the machine, said as one, not as a bug
            throw CachectlException.failed("cannot open lock file " + file + " (" + FileWrites.reason(e) + ")", e);
        }
    }

    /**
     * A channel open on what {@code file} names now, when that is the file {@code ch} has open (else null): a
     * mark written through {@code ch} must be what the name reads back. Only a lock holder writes, so the
     * mark cannot be someone else's. The reading channel is the caller's to keep open while it holds the lock:
     * closing it would release the lock.
     */
    private static FileChannel stillNamed(Path file, FileChannel ch) throws IOException {
        // this process and a moment of it: unique among holders, and unlike UUID.randomUUID() it does not
        // set up SecureRandom and the security providers, a good share of a 'start'
        byte[] mark = (ProcessHandle.current().pid() + "-" + System.nanoTime() + "-" + MARKS.incrementAndGet() + "\n")
                .getBytes(StandardCharsets.US_ASCII);
        ch.truncate(0);
        ch.write(ByteBuffer.wrap(mark), 0);
        FileChannel named;
        try {
            named = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException gone) {
            return null;
        }
        ByteBuffer read = ByteBuffer.allocate(mark.length + 1);
        try {
            while (read.hasRemaining() && named.read(read, read.position()) > 0) {
                // until the mark and one byte more, or the end
            }
            if (read.position() == mark.length && Arrays.equals(mark, Arrays.copyOf(read.array(), mark.length))) {
                return named;
            }
        } catch (IOException unreadable) {
            // not ours to trust: as if the name led elsewhere
        }
        // another file, which this JVM holds no lock on (IN_USE): closing it releases nothing of ours
        closeQuietly(named);
        return null;
    }

    /** The file {@code file} names now (device and inode), or null when there is none. */
    private static Object identity(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        } catch (IOException gone) {
            return null;
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to release
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
