package dev.cachectl.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What {@code /proc/PID/stat} says about a process: its state letter, process group, and start time
 * in clock ticks since boot (field 22), which, unlike a wall-clock start time, never drifts: a pid
 * and its start tick name one process for as long as the machine runs. Empty without /proc.
 */
public record ProcStat(char state, long pgrp, long startTicks) {
    /** USER_HZ: what {@code /proc} counts in, 100 on every architecture Linux runs cachectl on. */
    private static final long TICKS_PER_SECOND = 100;

    public static Optional<ProcStat> of(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // "pid (comm) S ppid pgrp ...": comm may contain spaces and parentheses; fields follow the last ')'
            int end = stat.lastIndexOf(')');
            if (end < 0 || end + 2 >= stat.length()) {
                return Optional.empty();
            }
            String[] f = stat.substring(end + 2).trim().split(" ");
            // f[0] is field 3 (state), so field N is f[N - 3]
            return Optional.of(new ProcStat(f[0].charAt(0), Long.parseLong(f[2]), Long.parseLong(f[19])));
        } catch (IOException | RuntimeException e) {
            // no /proc here, the process is gone, or a format we do not know
            return Optional.empty();
        }
    }

    public boolean zombie() {
        return state == 'Z' || state == 'X';
    }

    /**
     * The wall-clock start of the process, in ms since the epoch, as the JDK's {@code ProcessHandle.Info} computes it
     * on Linux: the boot time ({@code btime} of {@code /proc/stat}) plus the start tick at the kernel's 100 ticks a
     * second. -1 when the boot time cannot be read.
     */
    public long startMillis() {
        long boot = Boot.MILLIS;
        return boot < 0 ? -1 : boot + startTicks * 1000 / TICKS_PER_SECOND;
    }

    /** The boot time, read once. */
    private static final class Boot {
        static final long MILLIS = read();

        private static long read() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                    if (line.startsWith("btime ")) {
                        return Long.parseLong(line.substring(6).trim()) * 1000;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // no /proc here
            }
            return -1;
        }
    }
}
