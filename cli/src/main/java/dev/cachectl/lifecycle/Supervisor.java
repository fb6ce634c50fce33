package dev.cachectl.lifecycle;

import dev.cachectl.CachectlException;
import dev.cachectl.engine.Engines;
import dev.cachectl.engine.ServerSample;
import dev.cachectl.util.Detached;
import dev.cachectl.util.Durations;
import dev.cachectl.util.FileLocks;
import dev.cachectl.util.SecureFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The idle supervisor: one detached process per home, started on demand by {@code start --idle-timeout} and by a
 * {@code run} that starts an instance. It stops each instance that has served no client command for its timeout, and
 * each instance a run started once no live run uses it (all of them killed before they could stop it), and exits when
 * no running instance is left to watch. The home's supervisor lock guarantees one at a time.
 */
public final class Supervisor {
    private static final Duration MIN_TICK = Duration.ofMillis(200);
    private static final Duration MAX_TICK = Duration.ofSeconds(10);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    /** How often the leases of an instance a run started are looked at: a killed run's server goes within about this. */
    private static final Duration RUN_TICK = Duration.ofSeconds(1);
    /** How often a long tick looks whether the home still exists. */
    private static final Duration NAP = Duration.ofSeconds(1);

    private final Lifecycle lifecycle;
    private final Home home;

    public Supervisor(Lifecycle lifecycle) {
        this.lifecycle = lifecycle;
        this.home = lifecycle.states().home();
    }

    /**
     * Starts a supervisor for this home unless one runs already, when a running instance of the home has an idle
     * timeout or was started by a run. Every start calls it, so that a supervisor that was killed is replaced by the
     * next start of any instance (the one it finds running included).
     */
    public static void ensureFor(StateStore states) {
        if (!watched(states, problem -> { }).isEmpty()) {
            ensureRunning(states.home());
        }
    }

    /**
     * True when this home's supervisor runs: the pid it wrote into its lock file is alive and still that process.
     * Read without taking the lock, which a supervisor starting meanwhile would find held, and exit.
     */
    public static boolean isRunning(Home home) {
        if (FileLocks.heldInThisProcess(home.supervisorLock())) {
            return true; // this process is the supervisor: reading the file here would drop its lock
        }
        try {
            String[] note = Files.readString(home.supervisorLock(), StandardCharsets.US_ASCII).trim().split(" ");
            if (note.length != 4 || !note[0].equals("pid") || !note[2].equals("ticks")) {
                return false;
            }
            long ticks = Long.parseLong(note[3]);
            return ProcessIdentity.of(Long.parseLong(note[1])).map(p -> p.startTicks() == ticks).orElse(false);
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }

    /**
     * Starts a supervisor for this home unless one runs already. A run starting an instance calls it before the
     * server is launched: the supervisor stays while the start holds the instance's lock ({@link #run}).
     */
    static void ensureRunning(Home home) {
        home.ensure();
        Optional<FileLocks.Held> probe = FileLocks.tryAcquire(home.supervisorLock());
        if (probe.isEmpty()) {
            return;
        }
        probe.get().close();
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of("-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", supervisorClassPath(home),
                "dev.cachectl.Cachectl", "--home", home.root().toString(), "supervise"));
        try {
            Detached.start(command, home.supervisorLog(), home.root(), Map.of());
        } catch (IOException e) {
            throw CachectlException.failed("cannot start the idle supervisor: " + e.getMessage(), e);
        }
    }

    /**
     * The class path for the supervisor. A lone jar (the shaded build) is copied into the home first:
     * the supervisor outlives this command, and a rebuild rewrites the jar in place, which would make
     * its next class load fail. The copy is named by size and time, so an unchanged jar is copied once.
     */
    public static String supervisorClassPath(Home home) {
        String classPath = absoluteClassPath();
        Path jar = Path.of(classPath);
        if (classPath.contains(java.io.File.pathSeparator) || !classPath.endsWith(".jar") || !Files.isRegularFile(jar)) {
            return classPath;
        }
        try {
            return copyJar(jar, home.binDir()).toString();
        } catch (IOException e) {
            return classPath;
        }
    }

    /** Copies the jar into {@code binDir} (0600, like every file of the home) unless it is there already; removes older copies. */
    static Path copyJar(Path jar, Path binDir) throws IOException {
        Path copy = SecureFiles.ensureDir(binDir).resolve("cachectl-" + Files.size(jar) + "-"
                + Files.getLastModifiedTime(jar).toMillis() + ".jar");
        if (!Files.isRegularFile(copy)) {
            Path tmp = Files.createTempFile(binDir, ".cachectl", ".jar");
            Files.copy(jar, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            // the copy replaced the 0600 temporary file with one of the default mode
            SecureFiles.restrict(tmp);
            Files.move(tmp, copy, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            try (var old = Files.newDirectoryStream(binDir, "cachectl-*.jar")) {
                for (Path p : old) {
                    if (!p.equals(copy)) {
                        Files.deleteIfExists(p); // a supervisor still running from it keeps its open file
                    }
                }
            }
        }
        return copy;
    }

    private static String absoluteClassPath() {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            entries.add(Path.of(entry).toAbsolutePath().toString());
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    /** The supervisor's loop; returns when nothing is left to watch or another supervisor holds the lock. */
    public void run() {
        if (!Files.isDirectory(home.instancesDir())) {
            return;
        }
        home.ensure();
        Optional<FileLocks.Held> lock = FileLocks.tryAcquire(home.supervisorLock());
        if (lock.isEmpty()) {
            return;
        }
        mark(lock.get(), true);
        log("supervisor started (pid " + ProcessHandle.current().pid() + ")");
        try {
            while (Files.isDirectory(home.root())) {
                lifecycle.stopServersOfDeadStarts().forEach(this::log);
                List<InstanceState> watched = watched(lifecycle.states(), this::log);
                if (watched.isEmpty() && lifecycle.startUnderWay()) {
                    // a run's start that ensured us before its state was written: once it lets go, its state is seen
                    Thread.sleep(MIN_TICK.toMillis());
                    continue;
                }
                if (watched.isEmpty()) {
                    // Release first, then look again: a start that wrote its state after our look and
                    // found the lock held is seen here, and we carry on instead of leaving it unwatched.
                    mark(lock.get(), false);
                    lock.get().close();
                    if (watched(lifecycle.states(), this::log).isEmpty() && !lifecycle.startUnderWay()) {
                        // a run's start that has let go of its lock since this loop's first look
                        lifecycle.stopServersOfDeadStarts().forEach(this::log);
                        log("no instance with an idle timeout or started by a run is running; supervisor exits");
                        return;
                    }
                    lock = FileLocks.tryAcquire(home.supervisorLock());
                    if (lock.isEmpty()) {
                        return;
                    }
                    mark(lock.get(), true);
                    continue;
                }
                Duration tick = MAX_TICK;
                for (InstanceState state : watched) {
                    if (state.startedByRun()) {
                        tick = RUN_TICK.compareTo(tick) < 0 ? RUN_TICK : tick;
                        if (checkRuns(state)) {
                            continue;
                        }
                    }
                    if (state.idleTimeoutMillis() != null) {
                        Duration timeout = Duration.ofMillis(state.idleTimeoutMillis());
                        check(state, timeout);
                        Duration share = timeout.dividedBy(10);
                        tick = share.compareTo(tick) < 0 ? share : tick;
                    }
                }
                nap(Math.max(MIN_TICK.toMillis(), tick.toMillis()));
            }
            log("the home " + home.root() + " is gone; supervisor exits");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.ifPresent(held -> {
                if (held.channel().isOpen()) {
                    mark(held, false);
                }
                held.close();
            });
        }
    }

    /**
     * Sleeps for {@code millis}, in naps of at most {@link #NAP}: a home deleted meanwhile (its instances' servers
     * gone with it, or left to whoever deleted it) ends the wait, so the supervisor does not outlive it by a whole tick.
     */
    private void nap(long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        for (long left = millis; left > 0 && Files.isDirectory(home.root()); left = (end - System.nanoTime()) / 1_000_000) {
            Thread.sleep(Math.min(left, NAP.toMillis()));
        }
    }

    /** The running instances of the home that have an idle timeout or were started by a run. */
    private static List<InstanceState> watched(StateStore states, Consumer<String> problems) {
        List<InstanceState> result = new ArrayList<>();
        for (String name : states.names()) {
            try {
                states.read(name)
                        .filter(s -> s.idleTimeoutMillis() != null || s.startedByRun())
                        .filter(s -> s.servers().stream().anyMatch(ProcessIdentity::isLive))
                        .ifPresent(result::add);
            } catch (RuntimeException e) {
                problems.accept("cannot read the state of '" + name + "': " + e.getMessage());
            }
        }
        return result;
    }

    /**
     * Writes who holds the lock into its file ({@code pid P ticks T}, for {@link #isRunning}), or empties it before
     * the lock is let go. A supervisor killed leaves its note, which names a process that is gone.
     */
    private void mark(FileLocks.Held held, boolean holding) {
        try {
            ProcessIdentity me = ProcessIdentity.of(ProcessHandle.current());
            held.note(holding ? "pid " + me.pid() + " ticks " + me.startTicks() + "\n" : "");
        } catch (IOException e) {
            // the lock is what keeps supervisors single; the note only lets status tell whether one runs
            log("cannot write the supervisor lock's note: " + e.getMessage());
        }
    }

    /** Stops an instance a run started once no live run uses it; true when it was stopped. */
    private boolean checkRuns(InstanceState state) {
        try {
            Optional<StopResult> stopped = lifecycle.stopIfNoRunUses(state.name(), STOP_TIMEOUT);
            stopped.ifPresent(result -> log("stopped '" + state.name() + "' (pid " + state.pid() + "), started by a "
                    + "'cachectl run' that no longer runs and used by no other: " + result.outcome().name().toLowerCase()
                    + (result.notes().isEmpty() ? "" : " (" + String.join("; ", result.notes()) + ")")));
            return stopped.isPresent();
        } catch (RuntimeException e) {
            log("checking the runs using '" + state.name() + "' failed: " + e.getMessage());
            return false;
        }
    }

    private void check(InstanceState state, Duration timeout) {
        try {
            List<ServerSample> samples = samples(state);
            long busy = ActivityTracker.busyClients(state, Duration.ofSeconds(5));
            Duration idle = ActivityTracker.observe(home.instanceDir(state.name()), samples, busy, System.currentTimeMillis());
            if (idle.compareTo(timeout) >= 0) {
                log("stopping '" + state.name() + "' (pid " + state.pid() + "): no client command for "
                        + Durations.format(Duration.ofSeconds(idle.toSeconds())) + " (idle timeout " + Durations.format(timeout) + ")");
                StopResult result = lifecycle.stop(state.name(), false, STOP_TIMEOUT, false);
                log("stopped '" + state.name() + "': " + result.outcome().name().toLowerCase()
                        + (result.notes().isEmpty() ? "" : " (" + String.join("; ", result.notes()) + ")"));
            }
        } catch (RuntimeException e) {
            log("checking '" + state.name() + "' failed: " + e.getMessage());
        }
    }

    /**
     * A sample of every server of the instance that answers: a cluster is idle when none of its nodes
     * served a client command. A node that is down does not keep the rest from being judged.
     */
    private static List<ServerSample> samples(InstanceState state) {
        List<ServerSample> samples = new ArrayList<>();
        RuntimeException failure = null;
        for (NodeState node : state.servers()) {
            try {
                samples.add(Engines.named(state.engine()).sample(Lifecycle.endpointOf(state, node), Duration.ofSeconds(5)));
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (samples.isEmpty()) {
            throw failure;
        }
        return samples;
    }

    private void log(String message) {
        String line = Instant.now() + " " + message + "\n";
        try {
            Path file = home.supervisorLog();
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            SecureFiles.restrict(file);
        } catch (IOException e) {
            System.err.print(line);
        }
    }
}
