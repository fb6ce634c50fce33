package dev.cachectl.lifecycle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Who a pid is: its start time and executable. A pid is signalled only when both still match what
 * the state file recorded, so a reused pid never gets a stranger killed.
 */
public record ProcessIdentity(long pid, long startMillis, String executable) {

    public static Optional<ProcessIdentity> of(long pid) {
        return ProcessHandle.of(pid).filter(ProcessIdentity::running).map(ProcessIdentity::of);
    }

    /**
     * Alive and not a zombie. {@link ProcessHandle#isAlive} is true for a process that has exited but
     * is not reaped yet; a server started by an earlier run is not our child, so it stays that way
     * until PID 1 reaps it, which in a container may be late or never. Such a process is gone for us.
     */
    public static boolean running(ProcessHandle handle) {
        return handle.isAlive() && !zombie(handle.pid());
    }

    private static boolean zombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // "pid (comm) S ...": comm may contain spaces and parentheses, the state follows the last ')'
            int end = stat.lastIndexOf(')');
            return end > 0 && end + 2 < stat.length() && stat.charAt(end + 2) == 'Z';
        } catch (IOException e) {
            // no /proc here, or the process is gone already: isAlive has the answer
            return false;
        }
    }

    public static ProcessIdentity of(ProcessHandle handle) {
        ProcessHandle.Info info = handle.info();
        return new ProcessIdentity(handle.pid(),
                info.startInstant().map(Instant::toEpochMilli).orElse(-1L),
                info.command().orElse(""));
    }

    /** True when this live process is the one the state describes. */
    public boolean matches(InstanceState state) {
        return matches(state.pid(), state.processStartMillis(), state.executable());
    }

    /** True when this live process is the recorded server node (of a cluster, or the one of a standalone instance). */
    public boolean matches(NodeState node) {
        return matches(node.pid(), node.processStartMillis(), node.executable());
    }

    private boolean matches(long recordedPid, long recordedStart, String recordedExecutable) {
        if (recordedPid != pid || recordedStart != startMillis || startMillis < 0) {
            return false;
        }
        // The start time alone identifies the process; the executable guards against a clock step.
        return executable.isEmpty() || fileName(executable).equals(fileName(String.valueOf(recordedExecutable)));
    }

    /** The recorded node is alive and still the same process. */
    public static boolean isLive(NodeState node) {
        return of(node.pid()).map(id -> id.matches(node)).orElse(false);
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
