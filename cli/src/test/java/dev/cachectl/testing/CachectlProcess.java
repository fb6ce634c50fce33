package dev.cachectl.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * cachectl as a real process of its own (its own JVM and process group, SIGINT and SIGTERM at their
 * default dispositions), for tests that send it signals or kill it. Output goes to a log file in
 * the work dir.
 */
public final class CachectlProcess {
    private final Process process;
    private final Path log;

    private CachectlProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    public static CachectlProcess launch(CachectlHome home, String logName, String... args) throws IOException {
        return launch(home, logName, List.of(), args);
    }

    /** With JVM options, e.g. a small heap to prove that memory stays bounded. */
    public static CachectlProcess launch(CachectlHome home, String logName, List<String> jvmOptions, String... args)
            throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new ArrayList<>(List.of("setsid", "env", "--default-signal=INT,TERM", java));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.cachectl.Cachectl",
                "--home", home.root().toString()));
        command.addAll(List.of(args));
        Path log = home.workDir().resolve(logName);
        ProcessBuilder pb = new ProcessBuilder(command).directory(home.workDir().toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().clear();
        pb.environment().putAll(home.env());
        return new CachectlProcess(pb.start(), log);
    }

    public Process process() {
        return process;
    }

    public long pid() {
        return process.pid();
    }

    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(unreadable log: " + e.getMessage() + ")";
        }
    }

    /** Sends a signal (e.g. "-INT") to the process, or with {@code group} to its whole process group. */
    public void signal(String signal, boolean group) throws IOException, InterruptedException {
        String target = group ? "-" + process.pid() : Long.toString(process.pid());
        int code = new ProcessBuilder("kill", signal, "--", target).inheritIO().start().waitFor();
        if (code != 0) {
            throw new IllegalStateException("kill " + signal + " " + target + " failed");
        }
    }
}
