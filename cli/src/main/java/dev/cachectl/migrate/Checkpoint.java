package dev.cachectl.migrate;

import dev.cachectl.CachectlException;
import dev.cachectl.util.RecordJson;
import dev.cachectl.util.SecureFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What an interrupted migration needs to go on: for every (source node, db) stream the SCAN cursor
 * before which every key is acknowledged by the target, whether the stream is done, and the
 * node's run id (a restarted source may have reordered its keyspace, so a resume is refused).
 * {@code plan} fingerprints source, target and filters, so a checkpoint is never applied to a
 * different job. Written with jackson-core's streaming API every second of a run: databind would
 * load some 400 classes while the copy needs the CPU.
 */
record Checkpoint(String plan, List<Stream> streams, Counters.Snapshot totals) {

    record Stream(String node, int db, String runId, String cursor, boolean done) {
    }

    static Checkpoint read(Path file) {
        try {
            return RecordJson.read(Files.readAllBytes(file), Checkpoint.class);
        } catch (IOException | RuntimeException e) {
            throw CachectlException.usage("checkpoint " + file + " is unreadable: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + " (remove it to start over)");
        }
    }

    void write(Path file) {
        try {
            SecureFiles.ensureDir(file.toAbsolutePath().getParent());
            SecureFiles.writeAtomically(file, RecordJson.write(this));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
