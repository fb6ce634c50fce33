package dev.cachectl.lifecycle;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Who a pid is: its start time and executable. A pid is signalled only when both still match what
 * the state file recorded, so a reused pid never gets a stranger killed.
 */
public record ProcessIdentity(long pid, long startMillis, String executable) {

    public static Optional<ProcessIdentity> of(long pid) {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(ProcessIdentity::of);
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
