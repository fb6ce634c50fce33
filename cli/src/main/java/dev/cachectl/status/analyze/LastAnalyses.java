package dev.cachectl.status.analyze;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.cachectl.status.prometheus.NamespaceMemory;
import dev.cachectl.util.FileWrites;
import dev.cachectl.util.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The memory per namespace of each instance's last analysis, kept in {@code HOME/analysis/NAME.json}
 * (0600, replaced atomically), so that {@code status --prometheus}, {@code --prometheus-file} and
 * {@code --serve}, which never scan a keyspace themselves, can export it as
 * {@code cachectl_namespace_memory_bytes}.
 */
public final class LastAnalyses implements NamespaceMemory {
    private static final TypeReference<Map<String, Long>> BYTES_BY_NAMESPACE = new TypeReference<>() {
    };
    private final Path dir;

    public LastAnalyses(Path home) {
        this.dir = home.resolve("analysis");
    }

    /**
     * Keeps {@code analysis} as the last one of {@code instance}, replacing the one before; a failure
     * ("cannot write last analysis FILE: No space left on device") leaves the one before intact.
     */
    public void keep(String instance, Analysis analysis) {
        Map<String, Long> bytes = new LinkedHashMap<>();
        analysis.namespaces().forEach(g -> bytes.put(g.name(), g.memory()));
        Path file = dir.resolve(instance + ".json");
        try {
            FileWrites.ensureDir(dir, "last analysis " + file);
            FileWrites.atomically(file, Json.MAPPER.writeValueAsBytes(bytes), "last analysis ");
        } catch (IOException e) {
            throw FileWrites.cannotWrite("last analysis " + file, e);
        }
    }

    @Override
    public Map<String, Long> of(String instance) {
        Path file = dir.resolve(instance + ".json");
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        try {
            return Json.MAPPER.readValue(file.toFile(), BYTES_BY_NAMESPACE);
        } catch (IOException damaged) {
            return Map.of(); // an export goes on without it; the next --analyze writes it anew
        }
    }
}
