package dev.cachectl.lifecycle;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.config.Endpoint;
import dev.cachectl.engine.Engine;
import dev.cachectl.engine.Engines;
import dev.cachectl.engine.InstanceLayout;
import dev.cachectl.engine.ResolvedBinary;
import dev.cachectl.engine.ServerHello;
import dev.cachectl.util.Detached;
import dev.cachectl.util.FileLocks;
import dev.cachectl.util.Ports;
import dev.cachectl.util.SecureFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
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
 */
public final class Lifecycle {
    private static final int AUTO_PORT_ATTEMPTS = 5;
    private static final Duration LOCK_WAIT = Duration.ofSeconds(30);

    private final StateStore states;
    private final Map<String, String> env;

    public Lifecycle(StateStore states, Map<String, String> env) {
        this.states = states;
        this.env = env;
    }

    public StateStore states() {
        return states;
    }

    public StartResult start(InstanceRef ref, Duration wait) {
        if (ref instanceof InstanceRef.External ext) {
            return checkExternal(ext, wait);
        }
        InstanceSpec spec = ((InstanceRef.Managed) ref).spec();
        Engine engine = Engines.named(spec.engine());
        engine.validate(spec);
        Home home = states.home().ensure();
        try (FileLocks.Held lock = lockInstance(home, spec.name())) {
            List<String> notes = new ArrayList<>();
            Optional<InstanceState> existing = states.read(spec.name());
            if (existing.isPresent()) {
                InstanceState state = existing.get();
                Optional<ProcessIdentity> live = ProcessIdentity.of(state.pid()).filter(id -> id.matches(state));
                if (live.isPresent()) {
                    if (spec.port() != null && spec.port() != state.port()) {
                        notes.add("already running on port " + state.port() + "; --port " + spec.port() + " not applied (stop it first)");
                    }
                    return StartResult.of(spec.name(), StartResult.Outcome.ALREADY_RUNNING, state.engine(),
                            endpointOf(state), state.pid(), state.port(), state.binary(), state.binarySource(),
                            state.version(), notes);
                }
                notes.add("the previous server (pid " + state.pid() + ") is gone; its state was removed");
                states.delete(spec.name());
            }
            ResolvedBinary binary = engine.resolveBinary(spec.binary(), env, home.root());
            for (int attempt = 1; ; attempt++) {
                int port = choosePort(spec);
                try {
                    return launch(engine, spec, port, binary, wait, notes, home);
                } catch (PortLostException e) {
                    if (spec.port() != null || attempt >= AUTO_PORT_ATTEMPTS) {
                        throw portTaken(port, e.getMessage());
                    }
                    notes.add("port " + port + " was taken while starting; retried on another");
                }
            }
        }
    }

    private StartResult checkExternal(InstanceRef.External ext, Duration wait) {
        Engine engine = Engines.named(ext.engine());
        ServerHello hello = engine.hello(ext.endpoint(), wait).orElseThrow(() -> new CachectlException(ExitCode.DOWN,
                ext.name() + " is external (" + ext.endpoint() + ", from " + ext.origin()
                        + ") and does not answer; cachectl does not start external instances"));
        return StartResult.of(ext.name(), StartResult.Outcome.EXTERNAL, engine.name(), ext.endpoint(), null,
                ext.endpoint().port(), null, null, hello.version(), List.of());
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

    private StartResult launch(Engine engine, InstanceSpec spec, int port, ResolvedBinary binary, Duration wait,
                               List<String> notes, Home home) {
        Path dir = home.instanceDir(spec.name());
        boolean dirExisted = Files.isDirectory(dir);
        SecureFiles.ensureDir(dir);
        InstanceLayout layout = InstanceLayout.in(dir, engine.name() + ".conf");
        Process process = null;
        Thread cleanupOnExit = null;
        try {
            List<String> command = engine.prepare(spec, port, layout, binary);
            long logOffset = Files.exists(layout.logFile()) ? Files.size(layout.logFile()) : 0;
            process = Detached.start(command, layout.logFile(), dir, Map.of());
            Process started = process;
            // Ctrl-C while we wait must not leave a half-started server behind
            cleanupOnExit = new Thread(() -> abandon(started, spec.name(), dir, dirExisted));
            Runtime.getRuntime().addShutdownHook(cleanupOnExit);
            ProcessIdentity identity = ProcessIdentity.of(process.toHandle());
            InstanceState state = new InstanceState(spec.name(), engine.name(), process.pid(), identity.startMillis(),
                    command, binary.path().toString(), binary.executable().toString(), binary.source(), binary.version(), "127.0.0.1", port,
                    spec.password(), layout.configFile().toString(), layout.dataDir().toString(),
                    layout.logFile().toString(), spec.persist(),
                    spec.idleTimeout() == null ? null : spec.idleTimeout().toMillis(), System.currentTimeMillis(), null);
            states.write(state);
            Endpoint endpoint = engine.localEndpoint(port, spec.password());
            ServerHello hello = awaitReady(engine, process, endpoint, wait, layout.logFile(), logOffset);
            if (hello.pid() != 0 && hello.pid() != process.pid()) {
                throw CachectlException.failed("port " + port + " is answered by another server (pid " + hello.pid()
                        + "), not the one just started");
            }
            state = state.withRunId(hello.runId());
            states.write(state);
            ActivityTracker.reset(dir, hello.runId(), 0, System.currentTimeMillis());
            Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
            if (spec.idleTimeout() != null) {
                Supervisor.ensureRunning(home);
            }
            return StartResult.of(spec.name(), StartResult.Outcome.STARTED, engine.name(), endpoint, process.pid(), port,
                    binary.path().toString(), binary.source(), hello.version(), notes);
        } catch (IOException e) {
            abandonQuietly(process, spec.name(), dir, dirExisted, cleanupOnExit);
            throw CachectlException.failed("cannot start " + binary.path() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            abandonQuietly(process, spec.name(), dir, dirExisted, cleanupOnExit);
            throw e;
        }
    }

    private void abandonQuietly(Process process, String name, Path dir, boolean dirExisted, Thread hook) {
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                return;
            }
        }
        abandon(process, name, dir, dirExisted);
    }

    /** Kills a server that did not start properly and removes what this start created (never persisted data of an earlier run). */
    private void abandon(Process process, String name, Path dir, boolean dirExisted) {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        states.delete(name);
        if (!dirExisted) {
            SecureFiles.deleteTree(dir);
        }
    }

    private static ServerHello awaitReady(Engine engine, Process process, Endpoint endpoint, Duration wait,
                                          Path logFile, long logOffset) {
        long deadline = System.nanoTime() + wait.toNanos();
        long pause = 2;
        while (true) {
            if (!process.isAlive()) {
                List<String> log = logSince(logFile, logOffset);
                if (engine.reportsPortInUse(log)) {
                    throw new PortLostException(log.isEmpty() ? "" : log.get(log.size() - 1));
                }
                throw new CachectlException(ExitCode.FAILED, engine.name() + "-server exited during start (exit code "
                        + process.exitValue() + ")" + (log.isEmpty() ? " without writing to its log" : "; its last log lines:"),
                        log, null);
            }
            long remaining = deadline - System.nanoTime();
            Optional<ServerHello> hello = engine.hello(endpoint, Duration.ofMillis(Math.max(50, Math.min(1000, remaining / 1_000_000))));
            if (hello.isPresent()) {
                return hello.get();
            }
            if (System.nanoTime() > deadline) {
                throw new CachectlException(ExitCode.FAILED, engine.name() + "-server did not answer within "
                        + dev.cachectl.util.Durations.format(wait) + "; it was stopped (raise --wait if the machine is slow)",
                        logSince(logFile, logOffset), null);
            }
            sleep(pause);
            pause = Math.min(pause * 2, 50);
        }
    }

    private static List<String> logSince(Path logFile, long offset) {
        try {
            byte[] all = Files.readAllBytes(logFile);
            String text = new String(all, (int) Math.min(offset, all.length), (int) Math.max(0, all.length - offset),
                    java.nio.charset.StandardCharsets.UTF_8);
            List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
            return lines.subList(Math.max(0, lines.size() - 5), lines.size());
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * Stops one instance: the engine's graceful shutdown, then SIGTERM, then SIGKILL once
     * {@code timeout} has passed. A pid is signalled only while it is still the recorded server.
     */
    public StopResult stop(String name, boolean save, Duration timeout, boolean purge) {
        Home home = states.home().ensure();
        try (FileLocks.Held lock = lockInstance(home, name)) {
            Optional<InstanceState> recorded = states.read(name);
            Path dir = home.instanceDir(name);
            if (recorded.isEmpty()) {
                List<String> notes = new ArrayList<>();
                if (purge && Files.isDirectory(dir)) {
                    SecureFiles.deleteTree(dir);
                    notes.add("kept data removed");
                }
                return new StopResult(name, StopResult.Outcome.NOT_RUNNING, null, null, notes);
            }
            InstanceState state = recorded.get();
            List<String> notes = new ArrayList<>();
            Optional<ProcessIdentity> live = ProcessIdentity.of(state.pid());
            StopResult.Outcome outcome;
            if (live.isEmpty()) {
                notes.add("was not running (pid " + state.pid() + " is gone: crashed or killed); state cleaned up");
                outcome = StopResult.Outcome.CLEANED_UP;
            } else if (!live.get().matches(state)) {
                notes.add("pid " + state.pid() + " now belongs to another process (" + live.get().describe()
                        + "); it was not signalled; state cleaned up");
                outcome = StopResult.Outcome.CLEANED_UP;
            } else {
                terminate(state, save || state.persist(), timeout, notes);
                outcome = StopResult.Outcome.STOPPED;
            }
            boolean keepData = state.persist() && !purge;
            removeInstance(state, keepData);
            return new StopResult(name, outcome, state.pid(), keepData ? state.dataDir() : null, notes);
        }
    }

    private void terminate(InstanceState state, boolean save, Duration timeout, List<String> notes) {
        Engine engine = Engines.named(state.engine());
        ProcessHandle handle = ProcessHandle.of(state.pid()).orElseThrow();
        Duration half = timeout.dividedBy(2);
        try {
            engine.requestShutdown(endpointOf(state), save);
        } catch (CachectlException e) {
            notes.add("graceful shutdown refused (" + e.getMessage() + "); sending SIGTERM");
        }
        if (waitForExit(handle, half)) {
            return;
        }
        if (stillSame(state)) {
            notes.add("did not exit within " + dev.cachectl.util.Durations.format(half) + " of shutdown; sent SIGTERM");
            handle.destroy();
        }
        if (waitForExit(handle, timeout.minus(half))) {
            return;
        }
        if (stillSame(state)) {
            notes.add("did not exit within " + dev.cachectl.util.Durations.format(timeout) + "; sent SIGKILL"
                    + (save ? " (unsaved changes are lost)" : ""));
            handle.destroyForcibly();
        }
        if (!waitForExit(handle, Duration.ofSeconds(5))) {
            throw CachectlException.failed(state.name() + ": pid " + state.pid()
                    + " is still alive after SIGKILL; state kept so a later stop can retry");
        }
    }

    private static boolean stillSame(InstanceState state) {
        return ProcessIdentity.of(state.pid()).map(id -> id.matches(state)).orElse(false);
    }

    private static boolean waitForExit(ProcessHandle handle, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (ProcessIdentity.running(handle)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            sleep(10);
        }
        return true;
    }

    private void removeInstance(InstanceState state, boolean keepData) {
        Path dir = states.home().instanceDir(state.name());
        states.delete(state.name());
        if (keepData) {
            try {
                Files.deleteIfExists(dir.resolve(ActivityTracker.FILE));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            SecureFiles.deleteTree(dir);
        }
    }

    /** The endpoint cachectl uses to reach a managed instance (password included, never printed unredacted). */
    public static Endpoint endpointOf(InstanceState state) {
        return Engines.named(state.engine()).localEndpoint(state.port(), state.password());
    }

    private static FileLocks.Held lockInstance(Home home, String name) {
        return FileLocks.acquire(home.locksDir().resolve(name + ".lock"), LOCK_WAIT)
                .orElseThrow(() -> CachectlException.failed("another cachectl is starting or stopping '" + name
                        + "' and has not finished in " + LOCK_WAIT.toSeconds() + "s"));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CachectlException(ExitCode.INTERRUPTED, "interrupted");
        }
    }

    /** The server could not bind its port: another process took it between our check and its bind. */
    private static final class PortLostException extends RuntimeException {
        PortLostException(String logLine) {
            super(logLine, null, false, false);
        }
    }
}
