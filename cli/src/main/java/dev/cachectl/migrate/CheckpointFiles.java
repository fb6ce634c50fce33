package dev.cachectl.migrate;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.util.RecordJson;
import dev.cachectl.util.SecureFiles;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writing, removing and refusing checkpoint files, whatever engine's format they hold. */
public final class CheckpointFiles {
    private CheckpointFiles() {
    }

    /** Writes any checkpoint record atomically, readable by its owner only. */
    public static void write(Path file, Record checkpoint) {
        try {
            SecureFiles.createMissing(file.toAbsolutePath().getParent());
            SecureFiles.writeAtomically(file, RecordJson.write(checkpoint));
        } catch (IOException e) {
            throw new CachectlException(ExitCode.FAILED, "cannot write checkpoint " + file + ": "
                    + (e instanceof AccessDeniedException ? "permission denied" : String.valueOf(e.getMessage())), e);
        }
    }

    public static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new CachectlException(ExitCode.FAILED, "the copy finished, but its checkpoint " + file
                    + " cannot be removed (" + (e instanceof AccessDeniedException ? "permission denied" : "I/O error")
                    + "): remove it by hand", e);
        }
    }

    public static CachectlException damaged(Path file, String what) {
        return CachectlException.usage("checkpoint " + file + " is damaged (" + what + "); remove it to start over");
    }
}
