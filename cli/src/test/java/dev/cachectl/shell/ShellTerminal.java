package dev.cachectl.shell;

import dev.cachectl.Cachectl;
import dev.cachectl.Environment;
import dev.cachectl.testing.CachectlHome;

import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code cachectl shell} through the front door on a terminal of its own inside this JVM: what
 * {@link #type} sends arrives as keys typed on it (Tab, Ctrl-C, Ctrl-D included), and what the shell
 * and its commands print is {@link #screen}.
 */
final class ShellTerminal implements AutoCloseable {
    private final PipedOutputStream keys = new PipedOutputStream();
    private final StringWriter screen = new StringWriter();
    private final CompletableFuture<Integer> exit;

    ShellTerminal(CachectlHome home, String... args) throws IOException {
        PipedInputStream stdin = new PipedInputStream(keys, 4096);
        Map<String, String> env = new HashMap<>(home.env());
        env.put("TERM", "xterm");
        Environment onTerminal = new Environment(Map.copyOf(env), home.workDir(), stdin, true);
        PrintWriter out = new PrintWriter(screen, true);
        String[] all = new String[args.length + 1];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "shell";
        exit = CompletableFuture.supplyAsync(() -> Cachectl.run(out, out, onTerminal, all));
    }

    void type(String text) throws IOException {
        keys.write(text.getBytes(StandardCharsets.UTF_8));
        keys.flush();
    }

    String screen() {
        return screen.toString();
    }

    /** What was printed after the first {@code from} characters. */
    String screenSince(int from) {
        return screen().substring(from);
    }

    CompletableFuture<Integer> exit() {
        return exit;
    }

    @Override
    public void close() throws IOException {
        keys.close();
    }
}
