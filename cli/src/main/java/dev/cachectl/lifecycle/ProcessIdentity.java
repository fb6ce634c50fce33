package dev.cachectl.lifecycle;

import dev.cachectl.CachectlException;
import dev.cachectl.engine.Engines;
import dev.cachectl.util.ProcStat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Who a pid is: its start time in clock ticks since boot (from /proc, which does not drift), its
 * wall-clock start time and executable (what older state files recorded). A pid is signalled only
 * when it is still the recorded server, so a reused pid never gets a stranger killed.
 */
public record ProcessIdentity(long pid, long startMillis, long startTicks, String executable) {
    private static final Duration ANSWER_WAIT = Duration.ofSeconds(2);

    public static Optional<ProcessIdentity> of(long pid) {
        return ProcessHandle.of(pid).filter(ProcessIdentity::running).map(ProcessIdentity::of);
    }

    /**
     * Alive and not a zombie. {@link ProcessHandle#isAlive} is true for a process that has exited but
     * is not reaped yet; a server started by an earlier run is not our child, so it stays that way
     * until PID 1 reaps it, which in a container may be late or never. Such a process is gone for us.
     */
    public static boolean running(ProcessHandle handle) {
        return handle.isAlive() && !ProcStat.of(handle.pid()).map(ProcStat::zombie).orElse(false);
    }

    /**
     * From /proc where it has everything: {@link ProcessHandle#info()} also looks up the process's user, which on a
     * host whose users come from a directory (LDAP, SSSD) can take longer than the whole command; otherwise, as
     * before, from the JDK.
     */
    public static ProcessIdentity of(ProcessHandle handle) {
        Optional<ProcStat> stat = ProcStat.of(handle.pid());
        long startMillis = stat.map(ProcStat::startMillis).orElse(-1L);
        String executable = executable(handle.pid());
        if (stat.isEmpty() || startMillis < 0 || executable == null) {
            ProcessHandle.Info info = handle.info();
            return new ProcessIdentity(handle.pid(), info.startInstant().map(Instant::toEpochMilli).orElse(-1L),
                    stat.map(ProcStat::startTicks).orElse(-1L), info.command().orElse(""));
        }
        return new ProcessIdentity(handle.pid(), startMillis, stat.get().startTicks(), executable);
    }

    /** What {@code /proc/PID/exe} points at, as the JDK reports the command; null when it cannot be read. */
    private static String executable(long pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "exe")).toString();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** True when this live process is the one the state describes. */
    public boolean matches(InstanceState state) {
        return matches(state.pid(), state.processStartMillis(), state.processStartTicks(), state.executable());
    }

    /** True when this live process is the recorded server node (of a cluster, or the one of a standalone instance). */
    public boolean matches(NodeState node) {
        return matches(node.pid(), node.processStartMillis(), node.processStartTicks(), node.executable());
    }

    boolean matches(long recordedPid, long recordedStart, Long recordedTicks, String recordedExecutable) {
        if (recordedPid != pid) {
            return false;
        }
        if (recordedTicks != null && startTicks >= 0) {
            // a pid and its start tick name one process: nothing else to compare (a wrapper that execs changes the executable)
            return recordedTicks == startTicks;
        }
        // a state file of an older cachectl: the wall-clock start time, which the executable guards against a clock step
        if (recordedStart != startMillis || startMillis < 0) {
            return false;
        }
        return executable.isEmpty() || fileName(executable).equals(fileName(String.valueOf(recordedExecutable)));
    }

    /** The recorded node is alive and still the same process. */
    public static boolean isLive(NodeState node) {
        return of(node.pid()).map(id -> id.matches(node)).orElse(false);
    }

    /**
     * The recorded node is alive and still the same process, by its start tick, or, where that does not
     * match (a state file of an older cachectl, an edited one), by the server's own answer on the recorded
     * port: the server there says it is this pid.
     */
    public static boolean isServer(InstanceState state, NodeState node) {
        return of(node.pid()).map(live -> live.is(state, node)).orElse(false);
    }

    /** {@link #isServer(InstanceState, NodeState)} for this live process, read already: whether it is that node. */
    public boolean is(InstanceState state, NodeState node) {
        return matches(node) || answersAs(state, node);
    }

    private static boolean answersAs(InstanceState state, NodeState node) {
        try {
            return Engines.named(state.engine()).hello(Lifecycle.endpointOf(state, node), ANSWER_WAIT)
                    .map(h -> h.pid() == node.pid()).orElse(false);
        } catch (CachectlException | IllegalArgumentException refused) {
            // it answers but refuses us (another password): not provably ours
            return false;
        }
    }

    public String describe() {
        return "pid " + pid + (executable.isEmpty() ? "" : " (" + fileName(executable) + ")")
                + (startMillis < 0 ? "" : ", started " + Instant.ofEpochMilli(startMillis));
    }

    /** State files record the binary's real path, which is what the kernel reports for a live process. */
    private static String fileName(String path) {
        // an upgraded binary shows as "/usr/bin/redis-check-rdb (deleted)" while the old server still runs
        Path p = Path.of(path.replace(" (deleted)", "")).getFileName();
        return p == null ? path : p.toString();
    }
}
