package dev.cachectl.lifecycle;

import dev.cachectl.CachectlException;
import dev.cachectl.Cancellation;
import dev.cachectl.ExitCode;
import dev.cachectl.config.Endpoint;
import dev.cachectl.engine.ClusterShape;
import dev.cachectl.engine.Engine;
import dev.cachectl.engine.Engines;
import dev.cachectl.engine.InstanceLayout;
import dev.cachectl.engine.ResolvedBinary;
import dev.cachectl.engine.ServerHello;
import dev.cachectl.engine.ServerSettings;
import dev.cachectl.util.FileLocks;
import dev.cachectl.util.FileWrites;
import dev.cachectl.util.Ports;
import dev.cachectl.util.SecureFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Starts and stops managed instances. Owns everything that is not engine-specific: the per-instance
 * lock, ports, the detached process, the state file, waiting for readiness, and cleaning up
 * completely when anything fails, so a failed start leaves no process and no state behind.
 * A standalone instance is one {@link ServerProcess}; a cluster ({@link ClusterStart}) is one per
 * node; {@link Shutdown} stops every node of the state the way it stops a standalone server. What a
 * --persist instance was first started with ({@link InstanceSettings}) binds its later starts.
 */
public final class Lifecycle {
    /** How long a start waits for its server to answer when the caller does not say ({@code wait} null). */
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);
    /** A cluster needs longer: its nodes must meet, and a new master turns writable only after 2 s. */
    public static final Duration DEFAULT_CLUSTER_WAIT = Duration.ofSeconds(30);
    private static final int AUTO_PORT_ATTEMPTS = 5;
    private static final Duration LOCK_WAIT = Duration.ofSeconds(30);
    /** How long the stop of a server whose start could not be completed may take. */
    private static final Duration UNDO_TIMEOUT = Duration.ofSeconds(10);

    private final StateStore states;
    private final Map<String, String> env;
    private final Cancellation cancellation;
    /**
     * Set when the token stopped the start under way. Not when a request was only passed on ({@code run} forwards
     * signals to its command, and stops what it started itself once the start is over).
     */
    private volatile boolean stopRequested;

    /** {@code cancellation}: the run's token; a request stops a start, which then stops what it launched. */
    public Lifecycle(StateStore states, Map<String, String> env, Cancellation cancellation) {
        this.states = states;
        this.env = env;
        this.cancellation = cancellation;
    }

    public StateStore states() {
        return states;
    }

    /** Starts an instance, or checks an external one answers; {@code wait} null means the default for its kind. */
    public StartResult start(InstanceRef ref, Duration wait) {
        return start(ref, wait, null);
    }

    /**
     * {@code run}'s start: as {@link #start}, and, in the same hold of the instance's lock, registers the run as a user
     * of the managed instance, started or found running ({@link RunLease}). A run without {@code --keep} marks an
     * instance it starts as started by a run, for the last run using it to stop ({@link #release}); a {@code --keep} run
     * takes that mark off, and the instance stays running as one started by hand would.
     */
    public StartResult startForRun(InstanceRef ref, Duration wait, RunLease lease, boolean keep) {
        return start(ref, wait, new RunUse(lease, keep));
    }

    /**
     * Ends a run's use of an instance ({@link #startForRun}), under its lock: removes the run's lease and, unless
     * {@code keep}, stops the instance when a run started it and no other live run holds a lease (leases of runs that
     * died are removed). {@code startedHere}: this run started it, which decides when its state cannot be read.
     * Empty when the instance is left running.
     */
    public Optional<StopResult> release(String name, RunLease lease, boolean keep, boolean startedHere, Duration timeout) {
        try (FileLocks.Held lock = lockInstance(states.home().ensure(), name)) {
            Path dir = states.home().instanceDir(name);
            lease.removeFrom(dir);
            if (keep || !RunLease.othersLive(dir, lease).isEmpty()) {
                return Optional.empty();
            }
            boolean byRun;
            try {
                byRun = states.read(name).map(InstanceState::startedByRun).orElse(false);
            } catch (DamagedStateException e) {
                byRun = startedHere;
            }
            return byRun ? Optional.of(new Shutdown(states).stop(name, false, timeout, false)) : Optional.empty();
        }
    }

    /**
     * The supervisor's look at an instance a run started ({@link InstanceState#startedByRun}): stops it when no live run
     * holds a lease on it any more, every run using it having been killed (SIGKILL, the machine's OOM killer) before
     * its {@link #release}. Under the instance's lock, as {@code release}: a run registering meanwhile is either seen with
     * its lease or finds no instance and starts one. Empty when the instance is left running, or when another
     * cachectl holds its lock (a start or stop under way): the supervisor looks again at its next tick.
     */
    public Optional<StopResult> stopIfNoRunUses(String name, Duration timeout) {
        Optional<FileLocks.Held> lock = FileLocks.acquireTransient(instanceLock(states.home(), name), Duration.ZERO);
        if (lock.isEmpty()) {
            return Optional.empty();
        }
        try (FileLocks.Held held = lock.get()) {
            if (!RunLease.othersLive(states.home().instanceDir(name), null).isEmpty()
                    || !states.read(name).map(InstanceState::startedByRun).orElse(false)) {
                return Optional.empty();
            }
            return Optional.of(new Shutdown(states).stop(name, false, timeout, false));
        }
    }

    /**
     * True while another process starts or stops an instance of the home (holds its lock): the supervisor waits for
     * a run's start that ensured it before writing the state it is to watch.
     */
    boolean startUnderWay() {
        return states.folders().stream().anyMatch(name -> changing(states.home(), name));
    }

    /**
     * The supervisor's look at the folders of instances without a state: one whose start by a run that has died was
     * under way (a dead lease, the lock free) can hold a server launched before the state was written. Those running
     * from the folder are killed, and the folder removed unless it keeps persisted data. One line for each stopped.
     */
    List<String> stopServersOfDeadStarts() {
        List<String> stopped = new ArrayList<>();
        for (String name : states.folders()) {
            Path dir = states.home().instanceDir(name);
            if (!Files.isDirectory(dir.resolve(RunLease.DIR)) || Files.isRegularFile(dir.resolve(StateStore.STATE_FILE))) {
                continue;
            }
            Optional<FileLocks.Held> lock = FileLocks.acquireTransient(instanceLock(states.home(), name), Duration.ZERO);
            if (lock.isEmpty()) {
                continue;
            }
            try (FileLocks.Held held = lock.get()) {
                if (Files.isRegularFile(dir.resolve(StateStore.STATE_FILE)) || !RunLease.othersLive(dir, null).isEmpty()) {
                    continue;
                }
                Optional<InstanceSettings> settings = InstanceSettings.read(dir);
                String engine = settings.map(InstanceSettings::engine).orElse(Engines.defaultEngine().name());
                for (FolderServers.Found server : FolderServers.in(dir, engine)) {
                    ProcessHandle.of(server.pid()).ifPresent(p -> {
                        p.destroyForcibly();
                        p.onExit().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).exceptionally(e -> p).join();
                    });
                    stopped.add("killed the server of '" + name + "' on " + server.describe() + ", launched by a 'cachectl run'"
                            + " that died before it recorded it");
                }
                if (!settings.map(InstanceSettings::persist).orElse(true)) {
                    SecureFiles.deleteTree(dir);
                }
            } catch (RuntimeException e) {
                stopped.add("could not look at the folder of '" + name + "': " + e.getMessage());
            }
        }
        return stopped;
    }

    /**
     * Starts a managed instance that {@code who} (e.g. "bench --mode eviction") uses and removes: closing the
     * result stops it and deletes its folder, whether it started, failed or was interrupted at any point. From
     * before the start until it is gone, a repeated Ctrl-C does not end the process with it left behind. Started
     * as a run's ({@link #startForRun}, the lease this process's): when the process is killed (kill -9), the
     * supervisor stops it within seconds.
     */
    public TemporaryInstance startTemporary(InstanceSpec spec, String who) {
        if (ExternalOnly.enabled(env)) {
            throw ExternalOnly.refusalToLaunch(who, env);
        }
        RunLease lease = RunLease.ofThisProcess(who);
        TemporaryInstance temporary = new TemporaryInstance(this, spec.name(), lease, cancellation.onCancelUndoing(reason -> { }));
        try {
            temporary.started(start(new InstanceRef.Managed(spec, who), null, new RunUse(lease, false)));
            return temporary;
        } catch (RuntimeException e) {
            try {
                temporary.close();
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /** Closes a {@link TemporaryInstance}: under its lock, its lease goes and it is stopped, its folder deleted. */
    void removeTemporary(String name, RunLease lease, Duration timeout) {
        try (FileLocks.Held lock = lockInstance(states.home().ensure(), name)) {
            lease.removeFrom(states.home().instanceDir(name));
            new Shutdown(states).stop(name, false, timeout, true);
        }
    }

    /**
     * The engine of an instance before it is started: an external one's, a running managed one's (which a start finds
     * running whatever it asks for), else the one its start would use.
     */
    public String engineOf(InstanceRef ref) {
        if (ref instanceof InstanceRef.External ext) {
            return ext.engine();
        }
        InstanceSpec spec = ((InstanceRef.Managed) ref).spec();
        try {
            return states.read(spec.name()).map(InstanceState::engine).orElse(spec.engine());
        } catch (DamagedStateException e) {
            return spec.engine();
        }
    }

    /** A run using an instance: its lease, and whether it leaves the instance running ({@code --keep}). */
    private record RunUse(RunLease lease, boolean keep) {
    }

    private StartResult start(InstanceRef ref, Duration wait, RunUse use) {
        if (ref instanceof InstanceRef.External ext) {
            return checkExternal(ext, wait == null ? DEFAULT_WAIT : wait);
        }
        if (ExternalOnly.enabled(env)) {
            throw ExternalOnly.refusal(ref.name(), env);
        }
        // a request (Ctrl-C, SIGTERM) interrupts the waits; the start stops what it launched and says so (exit 130)
        Thread starter = Thread.currentThread();
        boolean[] starting = {true};
        stopRequested = false;
        try (Cancellation.Registration stop = cancellation.onCancelUndoing(reason -> {
            // the token may call this after the registration closed (it was already calling its listeners):
            // only a start still under way is interrupted, never whatever its thread does next
            synchronized (starting) {
                if (starting[0]) {
                    stopRequested = true;
                    starter.interrupt();
                }
            }
        })) {
            return startManaged((InstanceRef.Managed) ref, wait, use);
        } catch (RuntimeException e) {
            if (stopRequested) {
                // whatever the interruption broke (a file write it closed, a wait) was cleaned up: it is the interruption
                CachectlException interrupted = interrupted("'" + ref.name() + "': ");
                interrupted.addSuppressed(e);
                throw interrupted;
            }
            throw e;
        } finally {
            synchronized (starting) {
                starting[0] = false;
            }
            if (stopRequested) {
                // a request that came after the last wait must not interrupt what follows
                Thread.interrupted();
            }
        }
    }

    private StartResult startManaged(InstanceRef.Managed ref, Duration wait, RunUse use) {
        InstanceSpec spec = ref.spec();
        judge(ref);
        Home home = states.home().ensure();
        try (FileLocks.Held lock = lockInstance(home, spec.name())) {
            StartResult result;
            try {
                result = startLocked(ref, wait, home, use != null && !use.keep() ? use.lease() : null);
            } catch (RuntimeException e) {
                if (use != null) {
                    // written before the launch (launch): a failed start leaves no lease of a run that did not register
                    use.lease().removeFrom(home.instanceDir(spec.name()));
                }
                throw e;
            }
            if (use != null) {
                register(result, use);
                if (result.outcome() == StartResult.Outcome.STARTED && !use.keep()) {
                    superviseRunStarted(false);
                }
            }
            return result;
        }
    }

    /**
     * The engine's judgement of the settings (a policy it knows, options it can honour). A value the engine refuses
     * that the command line did not give comes from the instance's definition: the message names its file, as a
     * value that does not parse there does ("cachectl.yaml: instance 'c1': invalid maxmemory policy 'bogus'").
     */
    private static void judge(InstanceRef.Managed ref) {
        try {
            settingsOf(ref.spec());
        } catch (CachectlException refused) {
            if (refused.exitCode() != ExitCode.USAGE || ref.origin().equals("defaults") || !refusedWithout(ref, refused)) {
                throw refused;
            }
            throw new CachectlException(refused.exitCode(), ref.origin() + ": instance '" + ref.name() + "': "
                    + refused.getMessage(), refused);
        }
    }

    private static void settingsOf(InstanceSpec spec) {
        Engines.named(spec.engine()).settings(spec.server().values());
    }

    /** Whether the settings without those the command line gave are refused the same way: the definition's fault. */
    private static boolean refusedWithout(InstanceRef.Managed ref, CachectlException refused) {
        Map<String, Object> defined = new java.util.LinkedHashMap<>(ref.spec().settings());
        defined.keySet().removeAll(ref.typed());
        try {
            settingsOf(new InstanceSpec(ref.name(), defined));
            return false;
        } catch (CachectlException same) {
            return same.getMessage().equals(refused.getMessage());
        }
    }

    /**
     * Under the instance's lock, right after its start: a run registering now sees the instance running, so the last
     * run to end, which checks for leases under the same lock, cannot stop it from under this one.
     */
    private void register(StartResult result, RunUse use) {
        String name = result.name();
        boolean started = result.outcome() == StartResult.Outcome.STARTED;
        // a request that came once the start was done is the run's to act on (it stops what it uses): an interrupted
        // write here would only fail the registration
        boolean interrupted = Thread.interrupted();
        try {
            Optional<InstanceState> state = states.read(name);
            if (state.isPresent() && (started && !use.keep() || use.keep() && state.get().startedByRun())) {
                states.write(state.get().withStartedByRun(!use.keep()));
            }
            use.lease().writeIn(states.home().instanceDir(name));
        } catch (RuntimeException e) {
            if (started) {
                // the run would not know to stop it: nothing is left behind, as for any start that fails
                try {
                    new Shutdown(states).stop(name, false, UNDO_TIMEOUT, false);
                } catch (RuntimeException stopFailure) {
                    e.addSuppressed(stopFailure);
                }
            }
            throw e;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Before a run launches a server: its lease, which tells the supervisor whose start it is should the run die
     * before the state is written, and the supervisor, which stays while this start holds the lock (Supervisor#run).
     */
    private void beforeRunLaunch(Path dir, RunLease lease) {
        lease.writeIn(dir);
        superviseRunStarted(true);
    }

    /**
     * The home's supervisor watches an instance a run started, so that it is stopped even if every run using it is
     * killed. Best effort: without a supervisor the runs still stop it as they end, and a later run or stop does.
     */
    private void superviseRunStarted(boolean beforeLaunch) {
        try {
            if (beforeLaunch) {
                Supervisor.ensureRunning(states.home());
            } else {
                Supervisor.ensureFor(states);
            }
        } catch (RuntimeException e) {
            // no supervisor: the safety net is missing, not the run's instance
        }
    }

    /**
     * {@code byRun}: the lease of a run (without --keep) that starts it, else null. The lease is written and the
     * supervisor runs before the server is launched, and its state is marked as the run's from its first write: a run
     * killed at any point of the start (kill -9, the OOM killer) leaves an instance the supervisor stops once the
     * start's lock is let go, since no live run holds a lease on it; one killed before the state was written leaves
     * its dead lease, by which the supervisor finds the server running from the folder ({@link #stopServersOfDeadStarts}).
     */
    private StartResult startLocked(InstanceRef.Managed ref, Duration wait, Home home, RunLease byRun) {
        InstanceSpec spec = ref.spec();
        List<String> notes = new ArrayList<>();
        Path dir = home.instanceDir(spec.name());
        Optional<InstanceSettings> onDisk = InstanceSettings.read(dir);
        Optional<InstanceSettings> recorded = onDisk;
        Optional<InstanceState> existing = readForStart(spec.name(), recorded.map(InstanceSettings::engine).orElse(spec.engine()), notes);
        boolean crashed = false;
        if (existing.isPresent() && recorded.isEmpty() && existing.get().persist()) {
            // started by an older cachectl, which recorded the settings in the state file only
            recorded = Optional.of(InstanceSettings.of(existing.get()));
        }
        if (existing.isPresent()) {
            InstanceState state = existing.get();
            List<NodeState> gone = state.servers().stream().filter(n -> !ProcessIdentity.isServer(state, n)).toList();
            if (gone.isEmpty()) {
                InstanceSpec bound = bind(spec, recorded, notes);
                boolean grows = ClusterGrowth.grows(bound, state);
                // a cluster grows with the settings of its running nodes: any other one asked for is refused first
                InstanceSpec asked = grows ? bound.withCluster(ClusterShape.parse(state.cluster())) : bound;
                InstanceState running = RunningInstance.check(asked, ref, state, onDisk, states, notes);
                if (!grows && running.isCluster()) {
                    // the nodes of a growth killed before it recorded them are not the cluster asked for: as a growth does
                    ClusterGrowth.dropLeftovers(states, running, notes);
                }
                StartResult result = grows
                        ? ClusterGrowth.grow(states, bound, running, wait, env, notes, this::checkStop)
                        : alreadyRunning(bound, running, notes);
                // asked for, it is about to be used: its idle time starts again, so that a supervisor does not
                // stop it just after this start said it runs (one brought back below, say, after it was killed)
                ActivityTracker.touch(dir, System.currentTimeMillis());
                // the supervisor of this home may have been killed: any start brings it back
                Supervisor.ensureFor(states);
                return result;
            }
            if (gone.size() < state.servers().size()) {
                throw new CachectlException(ExitCode.DOWN, "'" + spec.name() + "' is running degraded: "
                        + describeGone(state, gone) + "; 'cachectl status " + spec.name() + "' shows it, 'cachectl stop "
                        + spec.name() + "' stops what is left");
            }
            notes.add(state.isCluster()
                    ? "the previous cluster is gone (" + describeGone(state, gone) + "); its state was removed"
                    : "the previous server (pid " + state.pid() + ") is gone; its state was removed");
            states.delete(spec.name());
            crashed = !state.persist() && !recorded.map(InstanceSettings::persist).orElse(false);
            if (crashed && recorded.isPresent()) {
                // a server without kept data crashed: its settings bind nothing, this start records its own
                InstanceSettings.delete(dir);
                recorded = Optional.empty();
                onDisk = recorded;
            }
        } else if (recorded.isPresent() && !recorded.get().persist()) {
            // no state and nothing kept: what its folder holds was left by a start that was killed
            crashed = true;
        } else if (recorded.isEmpty() && Files.isDirectory(dir) && !SecureFiles.isEmptyDir(dir)) {
            // a folder without state or settings: data kept by a --persist instance of an older cachectl
            spec = spec.withPersist(true);
            notes.add("its folder holds data kept by an earlier --persist start; it keeps persisting"
                    + " ('cachectl stop " + spec.name() + " --purge' deletes the data)");
        }
        spec = bind(spec, recorded, notes);
        Engine engine = Engines.named(spec.engine());
        ServerSettings server = engine.settings(spec.server().values());
        Duration ready = wait != null ? wait : spec.cluster() != null ? DEFAULT_CLUSTER_WAIT : DEFAULT_WAIT;
        ResolvedBinary binary = engine.resolveBinary(spec.binary(), env, home.root());
        boolean dirExisted = Files.isDirectory(dir);
        InstanceSettings settings = InstanceSettings.of(spec);
        try {
            if (!onDisk.equals(Optional.of(settings))) {
                settings.write(dir);
            }
            return launch(engine, spec, server, binary, ready, notes, home, crashed, dirExisted, byRun);
        } catch (RuntimeException e) {
            if (!dirExisted) {
                // a first start that failed (or was interrupted) before its server ran: the settings it recorded go too
                SecureFiles.deleteTree(dir);
            }
            throw e;
        }
    }

    private StartResult launch(Engine engine, InstanceSpec spec, ServerSettings server, ResolvedBinary binary, Duration ready,
                               List<String> notes, Home home, boolean crashed, boolean dirExisted, RunLease byRun) {
        if (server.cluster() != null) {
            if (byRun != null) {
                // the supervisor waits for a start under way in the instance's folder (startUnderWay)
                FileWrites.ensureDir(home.instanceDir(spec.name()), "instance folder " + home.instanceDir(spec.name()));
                beforeRunLaunch(home.instanceDir(spec.name()), byRun);
            }
            return new ClusterStart(byRun != null ? states.markingStartedByRun() : states, engine, spec, server, binary, ready, notes,
                    crashed, dirExisted, this::checkStop).run();
        }
        Path dir = home.instanceDir(spec.name());
        int keptNodes = ClusterStart.nodeDirs(dir).size();
        if (keptNodes > 0 && !crashed) {
            throw CachectlException.usage("'" + spec.name() + "' keeps the data of a cluster of " + keptNodes + " nodes in "
                    + dir + ": start it with --cluster MASTERS[xREPLICAS], or remove the data with 'cachectl stop "
                    + spec.name() + " --purge'");
        }
        for (int attempt = 1; ; attempt++) {
            int port = choosePort(spec);
            try {
                return launch(engine, spec, server, port, binary, ready, notes, home, dirExisted, byRun);
            } catch (PortLostException e) {
                if (spec.port() != null || attempt >= AUTO_PORT_ATTEMPTS) {
                    throw portTaken(port, e.getMessage());
                }
                notes.add("port " + port + " was taken while starting; retried on another");
            }
        }
    }

    /** The settings recorded at the first start of a --persist instance bind this start ({@link InstanceSettings}). */
    private static InstanceSpec bind(InstanceSpec spec, Optional<InstanceSettings> recorded, List<String> notes) {
        return recorded.filter(InstanceSettings::persist).map(r -> r.applyTo(spec, notes)).orElse(spec);
    }

    /**
     * The state for a start. A damaged state file is removed when no server runs from the instance's folder;
     * when one does, the start is refused with the way out ('stop' finds and stops it), as it is when a server
     * runs from the folder without any state file (a start killed before it wrote one).
     */
    private Optional<InstanceState> readForStart(String name, String engineName, List<String> notes) {
        try {
            Optional<InstanceState> state = states.read(name);
            List<FolderServers.Found> unrecorded = state.isPresent() ? List.of()
                    : FolderServers.in(states.home().instanceDir(name), engineName);
            if (!unrecorded.isEmpty()) {
                throw CachectlException.failed("'" + name + "' has no state file but its folder still runs "
                        + FolderServers.describe(unrecorded) + " (a start of it was killed): 'cachectl stop " + name
                        + "' stops " + (unrecorded.size() == 1 ? "it" : "them") + ", then start it again");
            }
            return state;
        } catch (DamagedStateException e) {
            List<FolderServers.Found> running = FolderServers.in(states.home().instanceDir(name), engineName);
            if (!running.isEmpty()) {
                throw CachectlException.failed("state file " + e.file() + " is damaged and a server still runs from the folder of '"
                        + name + "' on " + running.get(0).describe() + ": 'cachectl stop " + name + "' stops it, then start it again");
            }
            states.delete(name);
            notes.add("its state file was damaged and no server ran from its folder; the state file was removed");
            return Optional.empty();
        }
    }

    /** {@code state}: as {@link RunningInstance#check} found it the instance asked for. */
    private StartResult alreadyRunning(InstanceSpec spec, InstanceState state, List<String> notes) {
        return StartResult.of(spec.name(), StartResult.Outcome.ALREADY_RUNNING, state.engine(), endpointOf(state),
                state.pid(), state.port(), state.binary(), state.binarySource(), state.version(), notes).withNodes(state);
    }

    private static String describeGone(InstanceState state, List<NodeState> gone) {
        List<String> names = gone.stream().map(n -> "node " + n.address(state.host()) + " (pid " + n.pid() + ")").toList();
        return String.join(", ", names) + (gone.size() == 1 ? " is gone" : " are gone");
    }

    private StartResult checkExternal(InstanceRef.External ext, Duration wait) {
        Engine engine = Engines.named(ext.engine());
        ServerHello hello = engine.hello(ext.endpoint(), wait).orElseThrow(() -> new CachectlException(ExitCode.DOWN,
                ext.name() + " is external (" + ext.endpoint() + ", from " + ext.origin()
                        + ") and does not answer; cachectl does not start external instances"));
        return StartResult.of(ext.name(), StartResult.Outcome.EXTERNAL, engine.name(), ext.endpoint(), null,
                ext.endpoint().port(), null, null, hello.version(), ext.ignored() == null ? List.of() : List.of(ext.ignored()));
    }

    private static int choosePort(InstanceSpec spec) {
        if (spec.port() == null) {
            return Ports.pickFree();
        }
        if (!Ports.isFree(spec.port())) {
            throw portTaken(spec.port(), null);
        }
        return spec.port();
    }

    private static CachectlException portTaken(int port, String logLine) {
        String owner = Ports.owner(port).map(o -> " by " + o).orElse(" by another process");
        return new CachectlException(ExitCode.FAILED, "port " + port + " is already in use" + owner
                + ": pick another with --port N or --port auto",
                logLine == null ? List.of() : List.of(logLine), null);
    }

    private StartResult launch(Engine engine, InstanceSpec spec, ServerSettings settings, int port, ResolvedBinary binary,
                               Duration wait, List<String> notes, Home home, boolean dirExisted, RunLease byRun) {
        Path dir = home.instanceDir(spec.name());
        FileWrites.ensureDir(dir, "instance folder " + dir);
        if (byRun != null) {
            beforeRunLaunch(dir, byRun);
        }
        InstanceLayout layout = InstanceLayout.in(dir, engine.name() + ".conf");
        ServerProcess server = null;
        try {
            long deadline = System.nanoTime() + wait.toNanos();
            server = ServerProcess.launch(engine, spec.name(), settings, port, layout, binary);
            InstanceState state = new InstanceState(spec.name(), engine.name(), server.pid(), server.identity().startMillis(),
                    server.command(), binary.path().toString(), binary.executable().toString(), binary.source(), binary.version(), "127.0.0.1", port,
                    settings.password(), layout.configFile().toString(), layout.dataDir().toString(),
                    layout.logFile().toString(), settings.persist(),
                    spec.idleTimeout() == null ? null : spec.idleTimeout().toMillis(), System.currentTimeMillis(), null)
                    .withTlsCa(settings.tls() ? layout.caCert().toString() : null)
                    .withStartTicks(server.identity().startTicks())
                    .withStartedByRun(byRun != null);
            states.write(state);
            ServerHello hello = server.awaitReady(wait, deadline, "");
            // a request that came while nothing waited (the server answered at once) still stops this start
            checkStop();
            state = state.withRunId(hello.runId());
            states.write(state);
            ActivityTracker.reset(dir, hello.runId(), 0, System.currentTimeMillis());
            // for this instance's idle timeout, or another's whose supervisor was killed
            Supervisor.ensureFor(states);
            return StartResult.of(spec.name(), StartResult.Outcome.STARTED, engine.name(), server.endpoint(), server.pid(),
                    port, binary.path().toString(), binary.source(), hello.version(), notes);
        } catch (IOException e) {
            abandon(server, spec.name(), dir, dirExisted);
            throw CachectlException.failed("cannot start " + binary.path() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            ServerProcess launched = server;
            throw cleanUpAfter(e, spec.name(), () -> abandon(launched, spec.name(), dir, dirExisted));
        }
    }

    /** Kills a server that did not start properly and removes what this start created (never persisted data of an earlier run). */
    private void abandon(ServerProcess server, String name, Path dir, boolean dirExisted) {
        if (server != null) {
            server.kill();
        }
        states.delete(name);
        if (!dirExisted) {
            SecureFiles.deleteTree(dir);
        }
    }

    /**
     * Stops one instance, every node of a cluster (replicas first): the engine's graceful shutdown, then
     * SIGTERM, then SIGKILL once {@code timeout} has passed. A pid is signalled only while it is still the
     * recorded server.
     */
    public StopResult stop(String name, boolean save, Duration timeout, boolean purge) {
        try (FileLocks.Held lock = lockInstance(states.home().ensure(), name)) {
            List<RunLease> users = RunLease.othersLive(states.home().instanceDir(name), null);
            StopResult result = new Shutdown(states).stop(name, save, timeout, purge);
            if (users.isEmpty() || result.outcome() == StopResult.Outcome.NOT_RUNNING) {
                return result;
            }
            // a stop by hand wins over the runs using the instance, as it always has; the note says who loses it
            List<String> notes = new ArrayList<>(result.notes());
            notes.add("it was in use by " + RunLease.holders(users) + (users.size() == 1 ? ", which loses it" : ", which lose it"));
            return new StopResult(result.name(), result.outcome(), result.pid(), result.dataDir(), notes, result.nodePids());
        }
    }

    /**
     * {@code stop NAME --node HOST:PORT}: removes a master that serves no slot, with its replicas, from a
     * running cluster ({@link ClusterGrowth#shrink}).
     */
    public StopResult removeNode(String name, String node, Duration timeout) {
        try (FileLocks.Held lock = lockInstance(states.home().ensure(), name)) {
            return ClusterGrowth.shrink(states, name, node, timeout);
        }
    }

    /**
     * The endpoint clients use to reach a managed instance (password included, never printed unredacted):
     * for a cluster, its masters as seeds.
     */
    public static Endpoint endpointOf(InstanceState state) {
        Engine engine = Engines.named(state.engine());
        if (state.isCluster()) {
            List<Integer> seeds = state.nodes().stream().filter(NodeState::master).map(NodeState::port).toList();
            return engine.localClusterEndpoint(seeds.isEmpty() ? List.of(state.port()) : seeds, state.password());
        }
        Endpoint endpoint = engine.localEndpoint(state.port(), state.password());
        return state.tlsCa() == null ? endpoint : endpoint.withTls(state.tlsCa());
    }

    /** The endpoint of one server process of a managed instance: a cluster node, or the standalone server. */
    public static Endpoint endpointOf(InstanceState state, NodeState node) {
        Endpoint endpoint = Engines.named(state.engine()).localEndpoint(node.port(), state.password());
        return state.tlsCa() == null ? endpoint : endpoint.withTls(state.tlsCa());
    }

    static FileLocks.Held lockInstance(Home home, String name) {
        return FileLocks.acquireTransient(instanceLock(home, name), LOCK_WAIT)
                .orElseThrow(() -> Thread.currentThread().isInterrupted() ? interrupted("'" + name + "': ")
                        : CachectlException.failed("another cachectl is starting or stopping '" + name
                        + "' and has not finished in " + LOCK_WAIT.toSeconds() + "s"));
    }

    /**
     * Whether another process (or thread) holds the instance's lock now: a start or stop of it is under way, so
     * what a look at its servers finds (a cluster not formed yet, nodes going) is passing. Takes the lock for a
     * moment when it is free, which a start arriving then waits out. False when it cannot tell (no locks folder
     * yet, a home it cannot write): a look must work on a read-only or full home.
     */
    public static boolean changing(Home home, String name) {
        Path lock = instanceLock(home, name);
        if (!Files.exists(lock)) {
            // the file is there while the lock is held or waited for (and after a kill -9 of a holder)
            return false;
        }
        try {
            Optional<FileLocks.Held> held = FileLocks.acquireTransient(lock, Duration.ZERO);
            held.ifPresent(FileLocks.Held::close);
            return held.isEmpty();
        } catch (CachectlException cannotTell) {
            return false;
        }
    }

    /** The lock every start and stop of the instance holds (a file only while held or waited for). */
    private static Path instanceLock(Home home, String name) {
        return home.locksDir().resolve(name + ".lock");
    }

    /** The start was interrupted (Ctrl-C, SIGTERM): what it launched is being stopped, nothing is left behind. */
    static CachectlException interrupted(String who) {
        return new CachectlException(ExitCode.INTERRUPTED, who + "start interrupted; the servers it had launched were stopped"
                + " and nothing was left behind");
    }

    /**
     * Runs a start's cleanup even when the thread was interrupted (the cleanup waits for processes to exit),
     * and turns an interruption into the one message that says so.
     */
    static RuntimeException cleanUpAfter(RuntimeException failure, String name, Runnable cleanup) {
        boolean interrupted = Thread.interrupted()
                || failure instanceof CachectlException c && c.exitCode() == ExitCode.INTERRUPTED;
        cleanup.run();
        if (interrupted) {
            return interrupted("'" + name + "': ");
        }
        return failure;
    }

    /** Ends the start under way (exit 130, after its cleanup) when the token stopped it, even where nothing waited. */
    private void checkStop() {
        if (stopRequested) {
            throw new CachectlException(ExitCode.INTERRUPTED, "interrupted");
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CachectlException(ExitCode.INTERRUPTED, "interrupted");
        }
    }
}
