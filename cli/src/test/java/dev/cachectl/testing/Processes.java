package dev.cachectl.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Processes and ports as tests see them. cachectl launches servers and supervisors detached (they
 * are not this JVM's children), each with its working directory inside its home, and every test
 * home is a temporary {@code cachectl-home-*} folder: "what did this command leave running" is a
 * question about the live processes working inside such a folder.
 */
public final class Processes {

    private Processes() {
    }

    /**
     * Pids of the running processes that cachectl launched in a test home.
     *
     * @deprecated the leak check is {@link NoLeftoverServers}, which runs after every test; kept (with
     * {@link #startedSince}) only so that tests written on other branches before it still compile.
     */
    @Deprecated
    public static Set<Long> launched() {
        return ProcessHandle.allProcesses().filter(Processes::inTestHome).map(ProcessHandle::pid)
                .collect(Collectors.toSet());
    }

    /** @deprecated see {@link #launched()}. */
    @Deprecated
    public static List<String> startedSince(Set<Long> before) {
        return ProcessHandle.allProcesses().filter(Processes::inTestHome)
                .filter(p -> !before.contains(p.pid()))
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("?"))
                .toList();
    }

    private static boolean inTestHome(ProcessHandle p) {
        if (!dev.cachectl.lifecycle.ProcessIdentity.running(p)) {
            return false;
        }
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(p.pid()), "cwd")).toString()
                    .contains("/cachectl-home-");
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    /** Running, and not a zombie waiting for init to reap it (a stopped server is one for a moment). */
    public static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(dev.cachectl.lifecycle.ProcessIdentity::running).orElse(false);
    }

    /** SIGKILL, then wait until the process is gone (reaped, so it no longer shows as alive). */
    public static void killAndWait(long pid) {
        ProcessHandle.of(pid).ifPresent(p -> {
            p.destroyForcibly();
            try {
                p.onExit().get(10, TimeUnit.SECONDS);
            } catch (InterruptedException | ExecutionException | TimeoutException e) {
                fail("pid " + pid + " did not exit after SIGKILL: " + e);
            }
        });
    }

    /** The full command line of a live process, read from /proc (empty when it is gone). */
    public static String commandLine(ProcessHandle p) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline"));
            return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').trim();
        } catch (IOException | UncheckedIOException e) {
            return p.info().commandLine().orElse("");
        }
    }

    /** True when nothing listens on {@code port} on loopback. */
    public static boolean portFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True as soon as {@code condition} holds, false when it still does not after {@code limit}. */
    public static boolean eventually(Duration limit, BooleanSupplier condition) {
        return Await.eventually(limit, condition::getAsBoolean);
    }

    /** Runs a short helper command (ps, …) and returns its stdout. */
    public static String output(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", command) + " did not finish");
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
