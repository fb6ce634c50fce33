package dev.cachectl.rebalance.cluster;

import dev.cachectl.util.FileWrites;
import dev.cachectl.util.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The intent of an applying run, written to the home before its first move and removed after its last: which
 * slot goes from which node to which. A later run that finds a slot left MIGRATING or IMPORTING checks the
 * journals: a slot one of them names is its own leftover to finish, any other is another tool's to leave alone.
 */
final class Journal {
    /** One planned slot move, by node id. */
    record Step(int slot, String from, String to) {
    }

    /** What a journal file holds. */
    record Intent(String cluster, List<Step> steps) {
    }

    private final Path dir;

    Journal(Path dir) {
        this.dir = dir;
    }

    /** Every step any unfinished run of this home meant to make. */
    List<Step> leftovers() {
        List<Step> steps = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return steps;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".intent.json")).toList()) {
                try {
                    steps.addAll(Json.MAPPER.readValue(f.toFile(), Intent.class).steps());
                } catch (IOException e) {
                    // a journal cut short by a kill before it was renamed into place cannot exist (atomic writes); skip others
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return steps;
    }

    private static boolean about(Path f, java.util.Set<String> nodeIds) {
        try {
            return Json.MAPPER.readValue(f.toFile(), Intent.class).steps().stream()
                    .anyMatch(s -> nodeIds.contains(s.from()) || nodeIds.contains(s.to()));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Written before the first move it names: a failure ("cannot write rebalance journal FILE: No space left on
     * device", exit 1) stops the run before it opens a slot that a later run could not tell for its own.
     */
    void record(String cluster, List<Step> steps) {
        Path file = dir.resolve(System.currentTimeMillis() + "-" + ProcessHandle.current().pid() + ".intent.json");
        FileWrites.ensureDir(dir, "rebalance journal " + file);
        try {
            FileWrites.atomically(file, Json.MAPPER.writeValueAsBytes(new Intent(cluster, steps)), "rebalance journal ");
        } catch (IOException e) {
            throw FileWrites.cannotWrite("rebalance journal " + file, e);
        }
    }

    /**
     * Forgets the journals about this cluster (whose steps name one of {@code nodeIds}): called once every open
     * slot they name is finished and this run's moves are done.
     */
    void clear(java.util.Set<String> nodeIds) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".intent.json")).toList()) {
                if (about(f, nodeIds)) {
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
