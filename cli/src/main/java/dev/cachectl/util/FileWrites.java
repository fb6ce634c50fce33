package dev.cachectl.util;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * {@link SecureFiles#writeAtomically} and {@link SecureFiles#ensureDir} for the files cachectl keeps (state,
 * settings, checkpoints, configs): a failure of the machine (a full disk, a folder that is a file) is a
 * {@link CachectlException}, one line naming the file and the reason the operating system gave, exit 1,
 * not an error that reads like a bug. The write stays atomic: on failure the old content is intact and
 * the temporary file is removed.
 */
public final class FileWrites {
    private FileWrites() {
    }

    public static void atomically(Path file, String content) {
        atomically(file, content.getBytes(StandardCharsets.UTF_8));
    }

    public static void atomically(Path file, byte[] content) {
        atomically(file, content, "");
    }

    /** {@code what}: how the message names the file ("group layout "), empty for none. */
    public static void atomically(Path file, String content, String what) {
        atomically(file, content.getBytes(StandardCharsets.UTF_8), what);
    }

    /** {@code what}: how the message names the file ("checkpoint "), empty for none. */
    public static void atomically(Path file, byte[] content, String what) {
        try {
            SecureFiles.writeAtomically(file, content);
        } catch (UncheckedIOException e) {
            throw cannotWrite(what + file, e.getCause());
        }
    }

    /** {@link SecureFiles#ensureDir}, its failure put as the failure to write {@code what} (say "checkpoint FILE"). */
    public static Path ensureDir(Path dir, String what) {
        try {
            return SecureFiles.ensureDir(dir);
        } catch (UncheckedIOException e) {
            throw cannotWrite(what, e.getCause());
        }
    }

    /** {@link SecureFiles#createMissing}, for a file the user names, its failure put as the failure to write {@code what}. */
    public static Path createMissing(Path dir, String what) {
        try {
            return SecureFiles.createMissing(dir);
        } catch (UncheckedIOException e) {
            throw cannotWrite(what, e.getCause());
        }
    }

    /**
     * Before a run that will create {@code file}'s missing folders ({@link #createMissing}) and write it
     * ({@link #atomically}): the failure it would meet there, found without writing anything, as the same line
     * (a path through a file, the file a folder, a folder it cannot write in). {@code what}: "checkpoint FILE".
     */
    public static void checkWritable(Path file, String what) {
        Path absolute = file.toAbsolutePath().normalize();
        if (Files.isDirectory(absolute)) {
            throw cannotWrite(what, new FileSystemException(absolute.toString(), null, absolute + " is a folder"));
        }
        Path existing = absolute.getParent();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return;
        }
        if (!Files.isDirectory(existing)) {
            throw cannotWrite(what, new FileAlreadyExistsException(existing.toString()));
        }
        if (!Files.isWritable(existing)) {
            throw cannotWrite(what, new AccessDeniedException(existing.toString()));
        }
    }

    /** "cannot write FILE: REASON", exit 1; {@code file}: the file as the message names it. */
    public static CachectlException cannotWrite(String file, IOException cause) {
        return new CachectlException(ExitCode.FAILED, "cannot write " + file + ": " + reason(cause), cause);
    }

    /** What the operating system said, without Java names: "No space left on device", "permission denied". */
    public static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException f) {
            return "no such file or folder: " + f.getFile();
        }
        if (e instanceof FileAlreadyExistsException f) {
            return f.getFile() + " exists and is not a folder";
        }
        if (e instanceof DirectoryNotEmptyException f) {
            return f.getFile() + " is a folder that is not empty";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason(); // the file named is our temporary one: the message names the real one
        }
        String text = CachectlException.withoutJavaNames(e.getMessage());
        return text.isEmpty() ? "I/O error" : text;
    }
}
