package dev.cachectl.util;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts a process that outlives cachectl: in its own session (via {@code setsid}, so a Ctrl-C in
 * the terminal that started it does not reach it), stdin from /dev/null, stdout and stderr
 * appended to a log file. setsid execs in place, so the pid we get is the server's own.
 */
public final class Detached {
    private static final Path SETSID = findSetsid();

    private Detached() {
    }

    public static Process start(List<String> command, Path logFile, Path workingDir, Map<String, String> extraEnv)
            throws IOException {
        List<String> argv = new ArrayList<>();
        if (SETSID != null) {
            argv.add(SETSID.toString());
        }
        argv.addAll(command);
        if (!logFile.toFile().exists()) {
            java.nio.file.Files.createFile(logFile);
        }
        SecureFiles.restrict(logFile);
        ProcessBuilder pb = new ProcessBuilder(argv)
                .directory(workingDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectErrorStream(true);
        pb.environment().putAll(extraEnv);
        return pb.start();
    }

    private static Path findSetsid() {
        for (String dir : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
            Path p = Path.of(dir, "setsid");
            if (p.toFile().canExecute()) {
                return p;
            }
        }
        return null;
    }
}
