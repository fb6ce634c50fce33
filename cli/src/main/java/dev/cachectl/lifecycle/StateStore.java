package dev.cachectl.lifecycle;

import dev.cachectl.CachectlException;
import dev.cachectl.util.RecordJson;
import dev.cachectl.util.SecureFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Reads and writes the state files under the home; every write is atomic (write, fsync, rename). */
public final class StateStore {
    static final String STATE_FILE = "state.json";
    private final Home home;

    public StateStore(Home home) {
        this.home = home;
    }

    public Home home() {
        return home;
    }

    public Optional<InstanceState> read(String name) {
        Path file = home.instanceDir(name).resolve(STATE_FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(RecordJson.read(Files.readAllBytes(file), InstanceState.class));
        } catch (IOException e) {
            throw CachectlException.failed("state file " + file + " is unreadable (" + firstLine(e)
                    + "); remove it if no server runs for '" + name + "'");
        }
    }

    public void write(InstanceState state) {
        Path dir = SecureFiles.ensureDir(home.instanceDir(state.name()));
        try {
            SecureFiles.writeAtomically(dir.resolve(STATE_FILE), RecordJson.write(state));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void delete(String name) {
        try {
            Files.deleteIfExists(home.instanceDir(name).resolve(STATE_FILE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Names of instances that have a state file, sorted. */
    public List<String> names() {
        Path dir = home.instancesDir();
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> Files.isRegularFile(p.resolve(STATE_FILE)))
                    .forEach(p -> names.add(p.getFileName().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        names.sort(null);
        return names;
    }

    private static String firstLine(Exception e) {
        String m = String.valueOf(e.getMessage());
        return m.lines().findFirst().orElse(m);
    }
}
