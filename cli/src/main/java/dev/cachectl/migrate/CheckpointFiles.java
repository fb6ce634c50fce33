package dev.cachectl.migrate;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.util.FileWrites;
import dev.cachectl.util.RecordJson;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writing, removing and refusing checkpoint files, whatever engine's format they hold. */
public final class CheckpointFiles {
    private CheckpointFiles() {
    }

    /**
     * Writes any checkpoint record atomically, readable by its owner only; a failure ("cannot write checkpoint
     * FILE: No space left on device") leaves the checkpoint written before intact.
     */
    public static void write(Path file, Record checkpoint) {
        try {
            FileWrites.createMissing(file.toAbsolutePath().getParent(), "checkpoint " + file);
            FileWrites.atomically(file, RecordJson.write(checkpoint), "checkpoint ");
        } catch (IOException e) {
            throw FileWrites.cannotWrite("checkpoint " + file, e);
        }
    }

    public static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new CachectlException(ExitCode.FAILED, "the copy finished, but its checkpoint " + file
                    + " cannot be removed (" + FileWrites.reason(e) + "): remove it by hand", e);
        }
    }

    public static CachectlException damaged(Path file, String what) {
        return CachectlException.usage("checkpoint " + file + " is damaged (" + what + "); remove it to start over");
    }
}
