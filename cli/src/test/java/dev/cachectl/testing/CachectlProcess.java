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
        List<String> command = new ArrayList<>(List.of("setsid"));
        command.addAll(cachectl(home, jvmOptions, args));
        return start(home, logName, command);
    }

    /**
     * On a pseudo-terminal of its own ({@code script} from util-linux, 80x24, TERM=xterm): what it draws
     * goes to the log, what {@link #type} sends arrives as keys typed on that terminal.
     */
    public static CachectlProcess launchOnTerminal(CachectlHome home, String logName, String... args) throws IOException {
        return launchOnTerminalRedirected(home, logName, "", args);
    }

    /**
     * On a pseudo-terminal of its own, with {@code redirection} after the command as a shell reads it: {@code 2>err.txt}
     * (stderr to a file, stdout on the terminal) or {@code | cat} (stdout piped, stderr on the terminal).
     */
    public static CachectlProcess launchOnTerminalRedirected(CachectlHome home, String logName, String redirection, String... args)
            throws IOException {
        String inner = "stty cols 100 rows 24 2>/dev/null; exec " + String.join(" ",
                cachectl(home, List.of(), args).stream().map(CachectlProcess::quote).toList()) + " " + redirection;
        return start(home, logName, List.of("setsid", "env", "TERM=xterm", "script", "-qfec", inner, "/dev/null"));
    }

    private static List<String> cachectl(CachectlHome home, List<String> jvmOptions, String... args) {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new ArrayList<>(List.of("env", "--default-signal=INT,TERM", java));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.cachectl.Cachectl",
                "--home", home.root().toString()));
        command.addAll(List.of(args));
        return command;
    }

    private static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    private static CachectlProcess start(CachectlHome home, String logName, List<String> command) throws IOException {
        Path log = home.workDir().resolve(logName);
        ProcessBuilder pb = new ProcessBuilder(command).directory(home.workDir().toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().clear();
        pb.environment().putAll(home.env());
        Process process = pb.start();
        home.launched(process);
        return new CachectlProcess(process, log);
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

    /** Waits for it to end, at most {@code limit}: its exit code; an AssertionError with its log if it has not ended. */
    public int exitWithin(java.time.Duration limit) throws InterruptedException {
        if (!process.waitFor(limit.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            throw new AssertionError("still running after " + limit + ":\n" + log());
        }
        return process.exitValue();
    }

    /** Keys typed on its terminal (or bytes on its stdin). */
    public void type(String keys) throws IOException {
        process.getOutputStream().write(keys.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        process.getOutputStream().flush();
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
