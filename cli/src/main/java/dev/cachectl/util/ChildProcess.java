package dev.cachectl.util;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A short helper command cachectl waits for (a binary's version probe, openssl): run with a deadline,
 * in a process group of its own, its output collected in a temporary file rather than a pipe, so a
 * command that hangs, or leaves a child behind holding its output open, cannot make cachectl wait
 * past the deadline. Whatever it leaves running in its group is ended when it finishes.
 */
public final class ChildProcess {
    private static final int MAX_OUTPUT = 64 * 1024;

    private ChildProcess() {
    }

    /** How it ended: {@code timedOut} (then it was killed, and {@code exitCode} is meaningless), else its exit code. */
    public record Finished(boolean timedOut, int exitCode, String output) {
    }

    public static Finished run(List<String> command, Path workingDir, Duration deadline) throws IOException, InterruptedException {
        // through setsid a missing program would only show as setsid's exit code: say it as the JVM would
        if (!command.get(0).contains("/") && !onPath(command.get(0))) {
            throw new IOException(command.get(0) + " not found on PATH");
        }
        Path out = SecureFiles.createUnique(Path.of(System.getProperty("java.io.tmpdir")), "cachectl-child-", ".out");
        try {
            List<String> argv = new ArrayList<>();
            if (Detached.SETSID != null) {
                argv.add(Detached.SETSID.toString());
            }
            argv.addAll(command);
            Process p = new ProcessBuilder(argv).directory(workingDir == null ? null : workingDir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            // setsid execs in place (a child of the JVM leads no group), so the group is the child's pid
            long group = Detached.SETSID != null ? p.pid() : -1;
            boolean finished;
            try {
                finished = p.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                kill(p, group);
                throw e;
            }
            if (!finished) {
                kill(p, group);
            } else {
                Detached.endGroup(group, Duration.ofMillis(500));
            }
            return new Finished(!finished, finished ? p.exitValue() : -1, read(out));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        return path != null && java.util.Arrays.stream(path.split(File.pathSeparator))
                .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, program)));
    }

    private static void kill(Process p, long group) throws InterruptedException {
        Detached.signalGroup(group, true);
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
    }

    private static String read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(MAX_OUTPUT), StandardCharsets.UTF_8);
        }
    }
}
