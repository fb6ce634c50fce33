package dev.cachectl.util;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Files only their owner reads (directories 0700, files 0600), written so that a reader sees
 * either the old content or the new one, never half of it: write a temporary file, fsync, rename.
 */
public final class SecureFiles {
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final AtomicLong UNIQUE = new AtomicLong();

    private SecureFiles() {
    }

    private static final java.util.Set<java.nio.file.attribute.PosixFilePermission> OWNER_ONLY =
            PosixFilePermissions.fromString("rwx------");

    public static Path ensureDir(Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
            }
            // only when they differ: a home on a read-only file system that is already right can still be read
            if (POSIX && !Files.getPosixFilePermissions(dir).equals(OWNER_ONLY)) {
                Files.setPosixFilePermissions(dir, OWNER_ONLY);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Creates {@code dir} and any missing parent, each readable by its owner only, and leaves every directory
     * that already exists as it is: for a file the user names (a {@code --checkpoint}), whose folder may be a
     * shared one, {@code /tmp} or a project's, that {@link #ensureDir} would close to everyone else.
     */
    public static Path createMissing(Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                if (POSIX) {
                    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                } else {
                    Files.createDirectories(dir);
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create directory " + dir + ": " + e.getMessage(), e);
        }
    }

    public static void writeAtomically(Path file, String content) {
        writeAtomically(file, content.getBytes(StandardCharsets.UTF_8));
    }

    public static void writeAtomically(Path file, byte[] content) {
        Path tmp = null;
        try {
            // unique, so two writers of the same file never write into each other's temporary
            tmp = createUnique(file.toAbsolutePath().getParent(), "." + file.getFileName(), ".tmp");
            restrict(tmp);
            // a stream, not a FileChannel: a channel fails at once (ClosedByInterruptException) in a thread that is
            // interrupted, and a state or checkpoint file is written precisely when Ctrl-C has interrupted the run
            try (FileOutputStream out = new FileOutputStream(tmp.toFile())) {
                out.write(content);
                out.getFD().sync();
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            syncDir(file.toAbsolutePath().getParent());
        } catch (IOException e) {
            try {
                if (tmp != null) {
                    Files.deleteIfExists(tmp);
                }
            } catch (IOException ignored) {
                // the original failure is the one to report
            }
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Makes a rename in {@code dir} durable: without this a crash may bring back the old name, or none. */
    private static void syncDir(Path dir) {
        // an interrupted thread's channel fails at once: the flag is set aside for the sync, and put back
        boolean interrupted = Thread.interrupted();
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some file systems cannot open a directory for fsync; the rename itself stays atomic there
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * A new empty file in {@code dir}, only its owner's (0600), named {@code prefix}, something unique,
     * {@code suffix}: what {@code Files.createTempFile} makes, without the SecureRandom it draws names
     * from, which sets up the JDK's security providers, a good share of a short command's start-up.
     */
    public static Path createUnique(Path dir, String prefix, String suffix) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path file = dir.resolve(prefix + ProcessHandle.current().pid() + "-" + Long.toHexString(System.nanoTime())
                    + "-" + UNIQUE.incrementAndGet() + suffix);
            try {
                return POSIX ? Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                        : Files.createFile(file);
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 100) {
                    throw e;
                }
            }
        }
    }

    public static void restrict(Path file) throws IOException {
        if (POSIX) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
    }

    /** True for a directory with nothing in it (or one that cannot be listed). */
    public static boolean isEmptyDir(Path dir) {
        try (Stream<Path> list = Files.list(dir)) {
            return list.findAny().isEmpty();
        } catch (IOException e) {
            return true;
        }
    }

    public static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root + ": " + e.getMessage(), e);
        }
    }
}
