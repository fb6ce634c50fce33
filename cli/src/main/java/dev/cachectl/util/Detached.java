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
 * appended to a log file. A shell starts it in the background and prints its pid, so it is not
 * this JVM's child: a JVM with a live child keeps a reaper thread blocked in waitpid, and
 * System.exit then stalls (about 0.3 s) on every start. setsid execs in place, so the printed pid
 * is the server's own.
 */
public final class Detached {
    private static final Path SETSID = findSetsid();
    private static final String LAUNCH = "\"$@\" </dev/null >>\"$0\" 2>&1 & echo $!";

    private Detached() {
    }

    /** Starts {@code command} detached and returns its pid (it may already have exited). */
    public static long start(List<String> command, Path logFile, Path workingDir, Map<String, String> extraEnv)
            throws IOException {
        if (!logFile.toFile().exists()) {
            java.nio.file.Files.createFile(logFile);
        }
        SecureFiles.restrict(logFile);
        List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", LAUNCH, logFile.toString()));
        if (SETSID != null) {
            argv.add(SETSID.toString());
        }
        argv.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(argv)
                .directory(workingDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        pb.environment().putAll(extraEnv);
        Process shell = pb.start();
        String printed = new String(shell.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim();
        try {
            if (!shell.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                shell.destroyForcibly();
                throw new IOException("the launching shell did not finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while launching " + command.get(0));
        }
        try {
            return Long.parseLong(printed);
        } catch (NumberFormatException e) {
            throw new IOException("could not launch " + command.get(0) + " (the shell printed '" + printed + "')");
        }
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
