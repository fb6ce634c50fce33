package dev.cachectl.lifecycle;

import dev.cachectl.util.FileWrites;
import dev.cachectl.util.RecordJson;

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
    /** Every state written is marked as started by a run ({@link #markingStartedByRun}). */
    private final boolean startedByRun;

    public StateStore(Home home) {
        this(home, false);
    }

    private StateStore(Home home, boolean startedByRun) {
        this.home = home;
        this.startedByRun = startedByRun;
    }

    /**
     * This store, writing every state marked as started by a run ({@link InstanceState#withStartedByRun}): for a
     * run's start of a cluster, whose state is then the run's from its first write, however that start writes it.
     */
    StateStore markingStartedByRun() {
        return new StateStore(home, true);
    }

    public Home home() {
        return home;
    }

    public Optional<InstanceState> read(String name) {
        Path file = home.instanceDir(name).resolve(STATE_FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        InstanceState state;
        try {
            state = RecordJson.read(Files.readAllBytes(file), InstanceState.class);
        } catch (IOException | RuntimeException e) {
            // the parser's own words name a Java type or a byte offset: an operator only needs to know it is not a state file
            throw new DamagedStateException(file, name, e instanceof java.nio.file.AccessDeniedException
                    ? "unreadable: permission denied" : "unreadable: not a valid state file");
        }
        String missing = state.engine() == null ? "engine" : state.pid() <= 0 ? "pid" : state.port() <= 0 ? "port"
                : state.nodes() != null && state.nodes().stream().anyMatch(n -> n.pid() <= 0 || n.port() <= 0) ? "nodes" : null;
        if (missing != null) {
            throw new DamagedStateException(file, name, "unreadable: no valid " + missing);
        }
        return Optional.of(state);
    }

    /**
     * What status says of an instance whose state file is damaged: whether a server still runs from its
     * folder, and the way out.
     */
    public String describeDamaged(String name, String engine) {
        List<FolderServers.Found> running = FolderServers.in(home.instanceDir(name), engine);
        return "state damaged (" + STATE_FILE + " unreadable), " + (running.isEmpty()
                ? "no server runs from its folder: 'cachectl stop " + name + "' removes the state"
                : "a server still runs on " + FolderServers.describe(running)
                + ": 'cachectl stop " + name + "' stops it");
    }

    /**
     * What status says of an instance without a state file when servers still run from its folder: a start or stop
     * under way (between its launch and its state file), else a start killed before it wrote its state, with where
     * they run and the way out; empty when none runs.
     */
    public Optional<String> describeUnrecorded(String name) {
        List<FolderServers.Found> running = FolderServers.in(home.instanceDir(name));
        if (running.isEmpty()) {
            return Optional.empty();
        }
        String where = FolderServers.describe(running);
        return Optional.of(Lifecycle.changing(home, name)
                ? "a start or stop of '" + name + "' is under way (a server runs from its folder on " + where + ")"
                : "no state file, but a server still runs from its folder on " + where + " (a start of it was killed): 'cachectl stop "
                + name + "' stops it");
    }

    public void write(InstanceState state) {
        Path file = home.instanceDir(state.name()).resolve(STATE_FILE);
        FileWrites.ensureDir(file.getParent(), file.toString());
        try {
            FileWrites.atomically(file, RecordJson.write(startedByRun ? state.withStartedByRun(true) : state));
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

    /** True when the home has a folder for the instance: it runs, or keeps data, or its state is damaged. */
    public boolean knows(String name) {
        return Files.isDirectory(home.instanceDir(name));
    }

    /** Names of instances that have a state file, sorted. */
    public List<String> names() {
        return folders(p -> Files.isRegularFile(p.resolve(STATE_FILE)));
    }

    /**
     * The instances that have a state file, and those whose folder a server runs from without one (a start killed
     * before it wrote its state): what {@code stop --all} stops and {@code status} lists; sorted. A folder without a
     * state file costs reads of its config files and of /proc/net/tcp, and a /proc scan only for a port in use.
     */
    public List<String> namesRunning() {
        return folders(p -> Files.isRegularFile(p.resolve(STATE_FILE)) || !FolderServers.in(p).isEmpty());
    }

    /** Names of every instance the home has a folder for ({@link #knows}): running, or stopped with data kept; sorted. */
    public List<String> folders() {
        return folders(Files::isDirectory);
    }

    private List<String> folders(java.util.function.Predicate<Path> which) {
        Path dir = home.instancesDir();
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(which).forEach(p -> names.add(p.getFileName().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        names.sort(null);
        return names;
    }
}
