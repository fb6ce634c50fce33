package dev.cachectl.lifecycle;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.config.Endpoint;
import dev.cachectl.engine.Engine;
import dev.cachectl.engine.InstanceLayout;
import dev.cachectl.engine.ResolvedBinary;
import dev.cachectl.engine.ServerHello;
import dev.cachectl.engine.ServerSettings;
import dev.cachectl.util.Detached;
import dev.cachectl.util.Durations;
import dev.cachectl.util.FileWrites;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One server process being started: its config written into its folder, launched detached, then
 * awaited until it answers as itself. A standalone instance is one of these; a cluster is one per
 * node. {@link #kill} undoes a launch that must not stand.
 */
final class ServerProcess {
    private final Engine engine;
    private final int port;
    private final InstanceLayout layout;
    private final List<String> command;
    private final long pid;
    private final ProcessIdentity identity;
    private final long logOffset;
    private final Endpoint endpoint;
    /** Set when this start gives the server up (its own failure, Ctrl-C, the JVM exiting): its death is then no news. */
    private volatile boolean abandoned;

    private ServerProcess(Engine engine, int port, InstanceLayout layout, List<String> command, long pid,
                          long logOffset, Endpoint endpoint) {
        this.engine = engine;
        this.port = port;
        this.layout = layout;
        this.command = command;
        this.pid = pid;
        // a server that died at once has no identity left; it counts as not alive below
        this.identity = ProcessIdentity.of(pid).orElse(new ProcessIdentity(pid, -1, -1, ""));
        this.logOffset = logOffset;
        this.endpoint = endpoint;
    }

    /** Writes the server's config into {@code layout} and starts it; returns at once, before it answers. */
    static ServerProcess launch(Engine engine, String instance, ServerSettings settings, int port, InstanceLayout layout,
                                ResolvedBinary binary) throws IOException {
        FileWrites.ensureDir(layout.dir(), "instance folder " + layout.dir());
        List<String> command = engine.prepare(instance, settings, port, layout, binary);
        long logOffset = Files.exists(layout.logFile()) ? Files.size(layout.logFile()) : 0;
        long pid = Detached.start(command, layout.logFile(), layout.dir(), Map.of());
        Endpoint endpoint = engine.localEndpoint(port, settings.password());
        return new ServerProcess(engine, port, layout, command, pid, logOffset,
                settings.tls() ? endpoint.withTls(layout.caCert().toString()) : endpoint);
    }

    int port() {
        return port;
    }

    long pid() {
        return pid;
    }

    ProcessIdentity identity() {
        return identity;
    }

    List<String> command() {
        return command;
    }

    InstanceLayout layout() {
        return layout;
    }

    Endpoint endpoint() {
        return endpoint;
    }

    /** Still the process we launched, and not exited (a zombie waiting for init counts as exited). */
    boolean alive() {
        return identity.startMillis() >= 0 && ProcessHandle.of(pid)
                .filter(ProcessIdentity::running)
                .map(ProcessIdentity::of)
                .map(now -> identity.startTicks() >= 0 ? now.startTicks() == identity.startTicks()
                        : now.startMillis() == identity.startMillis())
                .orElse(false);
    }

    /** The start tick to record ({@link ProcessIdentity}), or null where /proc does not tell. */
    Long startTicks() {
        return identity.startTicks() < 0 ? null : identity.startTicks();
    }

    /**
     * Waits until the server answers as itself. Throws {@link PortLostException} when it could not bind
     * its port, and a one-line {@link CachectlException} with its last log lines when it exits, does not
     * answer in time, or another server answers on its port. {@code who} prefixes messages ("" or "node …: ").
     */
    ServerHello awaitReady(Duration wait, long deadlineNanos, String who) {
        long pause = 2;
        while (true) {
            if (!alive()) {
                throw exited(who);
            }
            long remaining = deadlineNanos - System.nanoTime();
            Optional<ServerHello> hello = engine.hello(endpoint, Duration.ofMillis(Math.max(50, Math.min(1000, remaining / 1_000_000))));
            if (hello.isPresent()) {
                if (hello.get().pid() != 0 && hello.get().pid() != pid) {
                    throw CachectlException.failed(who + "port " + port + " is answered by another server (pid "
                            + hello.get().pid() + "), not the one just started");
                }
                return hello.get();
            }
            if (System.nanoTime() > deadlineNanos) {
                throw new CachectlException(ExitCode.FAILED, who + engine.name() + "-server did not answer within "
                        + Durations.format(wait) + "; it was stopped (raise --wait if the machine is slow)", logTail(), null);
            }
            Lifecycle.sleep(pause);
            pause = Math.min(pause * 2, 50);
        }
    }

    /** The failure to report for a server that has exited: a lost port, or its exit code and last log lines. */
    RuntimeException exited(String who) {
        if (abandoned) {
            return Lifecycle.interrupted(who);
        }
        List<String> log = logTail();
        if (engine.reportsPortInUse(log)) {
            return new PortLostException(log.isEmpty() ? "" : log.get(log.size() - 1));
        }
        return new CachectlException(ExitCode.FAILED, who + engine.name() + "-server exited during start"
                + (log.isEmpty() ? " without writing to its log" : "; its last log lines:"), log, null);
    }

    /** Kills the server (if it runs) and what it started (its process group), and waits until they are gone. */
    void kill() {
        abandoned = true;
        if (!alive()) {
            Detached.endGroup(pid, Duration.ZERO);
            return;
        }
        boolean group = Detached.leadsGroup(pid);
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (alive() && System.nanoTime() < deadline) {
            Lifecycle.sleep(5);
        }
        if (group) {
            Detached.endGroup(pid, Duration.ZERO);
        }
    }

    /** The last lines the server logged during this start. */
    List<String> logTail() {
        return logSince(layout.logFile(), logOffset);
    }

    private static List<String> logSince(Path logFile, long offset) {
        try {
            byte[] all = Files.readAllBytes(logFile);
            String text = new String(all, (int) Math.min(offset, all.length), (int) Math.max(0, all.length - offset),
                    StandardCharsets.UTF_8);
            List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
            return lines.subList(Math.max(0, lines.size() - 5), lines.size());
        } catch (IOException e) {
            return List.of();
        }
    }
}
