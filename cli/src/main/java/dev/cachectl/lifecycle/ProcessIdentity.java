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
     * Alive and not a zombie. A server that exited stays a zombie until its parent reaps it, and
     * when cachectl has exited that parent is PID 1, which in containers may reap late or never;
     * {@link ProcessHandle#isAlive()} counts zombies as alive.
     */
    public static boolean running(ProcessHandle handle) {
        if (!handle.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(handle.pid()), "stat"));
            int afterName = stat.lastIndexOf(')');
            return afterName < 0 || afterName + 2 >= stat.length() || stat.charAt(afterName + 2) != 'Z';
        } catch (IOException e) {
            // no /proc (macOS) or the process just vanished: trust isAlive
            return handle.isAlive();
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
        if (state.pid() != pid || state.processStartMillis() != startMillis || startMillis < 0) {
            return false;
        }
        // The start time alone identifies the process; the executable guards against a clock step.
        return executable.isEmpty() || fileName(executable).equals(fileName(state.executable()));
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
