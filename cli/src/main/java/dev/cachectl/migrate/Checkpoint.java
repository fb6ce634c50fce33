package dev.cachectl.migrate;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.cachectl.CachectlException;
import dev.cachectl.util.Json;
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
 * different job.
 */
record Checkpoint(String plan, List<Stream> streams, Counters.Snapshot totals) {

    record Stream(String node, int db, String runId, String cursor, boolean done) {
    }

    static Checkpoint read(Path file) {
        try {
            return Json.MAPPER.readValue(file.toFile(), new TypeReference<Checkpoint>() { });
        } catch (IOException e) {
            throw CachectlException.usage("checkpoint " + file + " is unreadable: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + " (remove it to start over)");
        }
    }

    void write(Path file) {
        try {
            SecureFiles.ensureDir(file.toAbsolutePath().getParent());
            SecureFiles.writeAtomically(file, Json.MAPPER.writeValueAsBytes(this));
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
