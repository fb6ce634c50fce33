package dev.cachectl.util;

import dev.cachectl.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A process started detached: what a start that Ctrl-C interrupts must still be able to stop. */
class DetachedTest {

    @Test
    void an_interrupt_while_launching_returns_the_pid_of_what_was_launched_and_keeps_the_interrupt(@TempDir Path dir)
            throws Exception {
        // as when Ctrl-C comes while the launching shell forks: a pid lost then would be a server no one can stop
        Thread.currentThread().interrupt();
        long pid;
        try {
            pid = Detached.start(List.of("sleep", "60"), dir.resolve("sleep.log"), dir, Map.of());
        } finally {
            assertTrue(Thread.interrupted(), "the interrupt is kept for the caller, which stops what it launched");
        }
        try {
            assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " is the process launched");
            // setsid execs the command in place: the pid becomes sleep once it has
            Await.until(Duration.ofSeconds(10), "pid " + pid + " never became sleep",
                    () -> ProcessHandle.of(pid).flatMap(p -> p.info().command()).orElse("").endsWith("sleep"));
        } finally {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void what_start_returns_is_already_out_of_our_process_group(@TempDir Path dir) throws Exception {
        // a kill of the caller's group (a CI runner ending a job, a terminal's Ctrl-C) right after the start must not
        // reach a server still on its way to setsid: the server outlives cachectl, and the state names it
        org.junit.jupiter.api.Assumptions.assumeTrue(Detached.SETSID != null, "no setsid here");
        long ours = ProcStat.of(ProcessHandle.current().pid()).orElseThrow().pgrp();
        List<Long> pids = new ArrayList<>();
        try {
            for (int i = 0; i < 30; i++) {
                long pid = Detached.start(List.of("sleep", "60"), dir.resolve("sleep.log"), dir, Map.of());
                pids.add(pid);
                long group = ProcStat.of(pid).orElseThrow().pgrp();
                assertTrue(group == pid && group != ours, "launch " + (i + 1) + ": pid " + pid + " is in group " + group
                        + " (ours: " + ours + ") when start returns");
            }
        } finally {
            pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        }
    }
}
