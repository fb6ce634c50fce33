package dev.cachectl.util;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Starts a process that outlives cachectl: in its own session (via {@code setsid}, so a Ctrl-C in
 * the terminal that started it does not reach it), stdin from /dev/null, stdout and stderr
 * appended to a log file. A shell starts it in the background and prints its pid, so it is not
 * this JVM's child: a JVM with a live child keeps a reaper thread blocked in waitpid, and
 * System.exit then stalls (about 0.3 s) on every start. setsid execs in place, so the printed pid
 * is the server's own, and it leads a process group of its own: whatever it starts (a wrapper
 * script's children) is in that group, which {@link #endGroup} ends as a whole.
 */
public final class Detached {
    static final Path SETSID = findSetsid();
    /** umask 077: what the server writes in its folder (an RDB, an AOF, nodes.conf) is its owner's alone, as cachectl's files are. */
    private static final String LAUNCH = "umask 077; \"$@\" </dev/null >>\"$0\" 2>&1 & echo $!";
    private static final Duration LAUNCH_DEADLINE = Duration.ofSeconds(10);

    private Detached() {
    }

    /** Starts {@code command} detached and returns its pid (it may already have exited). */
    public static long start(List<String> command, Path logFile, Path workingDir, Map<String, String> extraEnv)
            throws IOException {
        if (!logFile.toFile().exists()) {
            Files.createFile(logFile);
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
        // the shell only forks and prints a pid, which fits in the pipe: wait first, with a deadline, then read. An
        // interrupt (Ctrl-C) does not cut the wait short: the shell may have forked the process already, and only
        // its pid lets the caller stop it. The caller gets the pid and the interrupt, and stops what it launched.
        boolean interrupted = false;
        try {
            long deadline = System.nanoTime() + LAUNCH_DEADLINE.toNanos();
            while (true) {
                try {
                    if (!shell.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                        shell.destroyForcibly();
                        throw new IOException("the launching shell did not finish in " + Durations.format(LAUNCH_DEADLINE));
                    }
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            String printed = new String(shell.getInputStream().readNBytes(64), StandardCharsets.US_ASCII).trim();
            long pid;
            try {
                pid = Long.parseLong(printed);
            } catch (NumberFormatException e) {
                throw new IOException("could not launch " + command.get(0) + " (the shell printed '" + printed + "')");
            }
            if (SETSID != null) {
                awaitOwnGroup(pid);
            }
            return pid;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The shell prints the pid once it has forked, before the child has run setsid: until then the child is in
     * our process group, where a signal to the group (a terminal's Ctrl-C, a CI runner ending a job) would end a
     * server that is meant to outlive us. Waits (a millisecond or two) until it leads its own group, or is gone.
     */
    private static void awaitOwnGroup(long pid) {
        long deadline = System.nanoTime() + LAUNCH_DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<ProcStat> stat = ProcStat.of(pid);
            if (stat.isEmpty() || stat.get().zombie() || stat.get().pgrp() == pid) {
                return;
            }
            // not Thread.sleep: an interrupt (Ctrl-C) must not cut this short, and the caller gets it afterwards
            LockSupport.parkNanos(200_000);
        }
    }

    /** True when {@code pid} leads its own process group, as a process started here does (with setsid). */
    public static boolean leadsGroup(long pid) {
        return ProcStat.of(pid).map(s -> s.pgrp() == pid).orElse(false);
    }

    /** The live processes of process group {@code pgid}, from /proc; empty without /proc. */
    public static List<ProcessHandle> group(long pgid) {
        if (pgid <= 1) {
            return List.of();
        }
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.map(p -> p.getFileName().toString()).filter(n -> n.chars().allMatch(Character::isDigit))
                    .map(Long::parseLong)
                    .filter(pid -> ProcStat.of(pid).map(s -> s.pgrp() == pgid && !s.zombie()).orElse(false))
                    .flatMap(pid -> ProcessHandle.of(pid).stream())
                    .toList();
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /** SIGTERM (or SIGKILL when {@code force}) to every process of group {@code pgid}. */
    public static void signalGroup(long pgid, boolean force) {
        for (ProcessHandle p : group(pgid)) {
            if (force) {
                p.destroyForcibly();
            } else {
                p.destroy();
            }
        }
    }

    /**
     * Ends what is left of group {@code pgid}: SIGTERM, then SIGKILL to whatever still runs after
     * {@code grace}. Returns false when something survived even that.
     */
    public static boolean endGroup(long pgid, Duration grace) {
        if (group(pgid).isEmpty()) {
            return true;
        }
        signalGroup(pgid, false);
        if (waitForEmpty(pgid, grace)) {
            return true;
        }
        signalGroup(pgid, true);
        return waitForEmpty(pgid, Duration.ofSeconds(5));
    }

    private static boolean waitForEmpty(long pgid, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!group(pgid).isEmpty()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
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
