package dev.cachectl.migrate;

import dev.cachectl.util.FileWrites;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Items the target refused, never dropped silently: counted per reason, the first {@value #SHOWN} kept
 * for the summary, and all of them written to a file (one "unit id reason" line each) once there are
 * more, so memory stays bounded however many there are.
 */
final class Refusals implements AutoCloseable {
    static final int SHOWN = 10;

    private final Path file;
    private final List<UnitCopier.Refusal> first = new ArrayList<>();
    private final Map<String, Long> reasons = new LinkedHashMap<>();
    private long count;
    private BufferedWriter out;

    Refusals(Path file) {
        this.file = file;
    }

    synchronized void add(UnitCopier.Refusal r) {
        count++;
        reasons.merge(r.reason(), 1L, Long::sum);
        if (first.size() < SHOWN) {
            first.add(r);
            return;
        }
        try {
            if (out == null) {
                FileWrites.createMissing(file.toAbsolutePath().getParent(), "the list of refused documents " + file);
                out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
                for (UnitCopier.Refusal shown : first) {
                    line(shown);
                }
            }
            line(r);
        } catch (IOException e) {
            throw FileWrites.cannotWrite("the list of refused documents " + file, e);
        }
    }

    private void line(UnitCopier.Refusal r) throws IOException {
        out.write(r.unit() + "\t" + r.id() + "\t" + r.reason());
        out.newLine();
    }

    synchronized long count() {
        return count;
    }

    synchronized Map<String, Long> reasons() {
        return Map.copyOf(reasons);
    }

    synchronized List<UnitCopier.Refusal> examples() {
        return List.copyOf(first);
    }

    synchronized String file() {
        return out == null ? null : file.toString();
    }

    @Override
    public synchronized void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                throw FileWrites.cannotWrite("the list of refused documents " + file, e);
            }
        }
    }
}
