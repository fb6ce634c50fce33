package dev.cachectl.lifecycle;

import dev.cachectl.util.FileWrites;
import dev.cachectl.util.RecordJson;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * One {@code cachectl run} using a managed instance: a file {@code HOME/instances/NAME/runs/ID.json} (0600) holding the
 * run's pid and its process start time, so that a lease whose run died (kill -9) is known by a dead pid or another
 * start time and ignored, never mistaken for a live run that reused the pid. A run writes its lease before its
 * command starts and removes it when it ends; the last run to end stops an instance a run started
 * ({@link InstanceState#startedByRun}). Leases are written, read and removed only under the instance's lock
 * ({@link Lifecycle#startForRun}, {@link Lifecycle#release}), so the last run's check and its stop cannot miss a run
 * registering at the same moment: that one sees either the running instance with its lease counted, or no instance,
 * and starts it.
 * <p>
 * {@code id} tells apart the runs of one process ({@code cachectl shell} runs them one after another). {@code command}
 * names what holds the lease, for a stop by hand to say: {@code run}, or the bench mode whose temporary instance it is
 * ({@link Lifecycle#startTemporary}); null in a lease written before it was recorded, which only runs wrote.
 */
public record RunLease(String id, long pid, long processStartMillis, Long processStartTicks, String executable,
                       String command) {
    static final String DIR = "runs";
    private static final AtomicLong RUNS = new AtomicLong();

    /** A lease for a use by this process's {@code command} ("run", "bench --mode eviction"). */
    public static RunLease ofThisProcess(String command) {
        ProcessIdentity me = ProcessIdentity.of(ProcessHandle.current());
        return new RunLease(me.pid() + "-" + RUNS.incrementAndGet(), me.pid(), me.startMillis(),
                me.startTicks() < 0 ? null : me.startTicks(), me.executable(), command);
    }

    /**
     * Who holds these leases, for a note: "a 'cachectl run' (pid 12)", or "2 'cachectl run's (pids 12, 13) and a
     * 'cachectl bench --mode eviction' (pid 14)".
     */
    static String holders(List<RunLease> leases) {
        Map<String, List<String>> pidsByCommand = new LinkedHashMap<>();
        for (RunLease lease : leases) {
            pidsByCommand.computeIfAbsent(lease.command() == null ? "run" : lease.command(), c -> new ArrayList<>())
                    .add(Long.toString(lease.pid()));
        }
        List<String> holders = new ArrayList<>();
        pidsByCommand.forEach((command, pids) -> holders.add(pids.size() == 1
                ? "a 'cachectl " + command + "' (pid " + pids.get(0) + ")"
                : pids.size() + " 'cachectl " + command + "'s (pids " + String.join(", ", pids) + ")"));
        return String.join(" and ", holders);
    }

    /** Its run is alive: the pid runs, and is the same process as when it wrote the lease. */
    boolean isLive() {
        return ProcessIdentity.of(pid).map(live -> live.matches(pid, processStartMillis, processStartTicks, executable))
                .orElse(false);
    }

    void writeIn(Path instanceDir) {
        Path dir = FileWrites.ensureDir(instanceDir.resolve(DIR), "run lease folder " + instanceDir.resolve(DIR));
        Path file = dir.resolve(id + ".json");
        try {
            FileWrites.atomically(file, RecordJson.write(this), "run lease ");
        } catch (IOException e) {
            throw FileWrites.cannotWrite("run lease " + file, e);
        }
    }

    /** Removes this lease, and the leases folder once it is empty. */
    void removeFrom(Path instanceDir) {
        Path dir = instanceDir.resolve(DIR);
        try {
            Files.deleteIfExists(dir.resolve(id + ".json"));
            Files.deleteIfExists(dir);
        } catch (DirectoryNotEmptyException others) {
            // other runs still hold leases
        } catch (IOException e) {
            // a lease left behind is a dead run's: ignored by the next run, and removed by it
        }
    }

    /** The leases of live runs other than {@code except}; those of runs that died are removed. */
    static List<RunLease> othersLive(Path instanceDir, RunLease except) {
        List<RunLease> live = new ArrayList<>();
        Path dir = instanceDir.resolve(DIR);
        if (!Files.isDirectory(dir)) {
            return live;
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".json")).toList();
        } catch (IOException e) {
            return live;
        }
        for (Path file : files) {
            RunLease lease = read(file);
            if (lease != null && lease.isLive()) {
                if (except == null || !lease.id().equals(except.id())) {
                    live.add(lease);
                }
            } else {
                deleteQuietly(file);
            }
        }
        if (live.isEmpty()) {
            // the folder of a kept --persist instance is not left with an empty one
            deleteQuietly(dir);
        }
        return live;
    }

    /** Null for a file that is not a lease (torn, edited): it names no live run. */
    private static RunLease read(Path file) {
        try {
            RunLease lease = RecordJson.read(Files.readAllBytes(file), RunLease.class);
            return lease.id() == null || lease.pid() <= 0 ? null : lease;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a lease of a dead run is ignored again next time, a folder still holding one stays
        }
    }
}
