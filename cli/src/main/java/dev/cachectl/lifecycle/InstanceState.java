package dev.cachectl.lifecycle;

import java.util.List;

/**
 * The state file of a running managed instance ({@code state.json}, 0600): enough to reach it,
 * to prove that a live pid is still this server before signalling it, and to show where it lives.
 * The password is here (never on a command line) because status and stop must authenticate.
 */
public record InstanceState(
        String name,
        String engine,
        long pid,
        long processStartMillis,
        List<String> commandLine,
        String binary,
        String executable,
        String binarySource,
        String version,
        String host,
        int port,
        String password,
        String configFile,
        String dataDir,
        String logFile,
        boolean persist,
        Long idleTimeoutMillis,
        long startedAtMillis,
        String runId) {

    public InstanceState withRunId(String id) {
        return new InstanceState(name, engine, pid, processStartMillis, commandLine, binary, executable, binarySource, version,
                host, port, password, configFile, dataDir, logFile, persist, idleTimeoutMillis, startedAtMillis, id);
    }
}
