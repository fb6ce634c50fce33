package dev.cachectl.util;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
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
            assertTrue(ProcessHandle.of(pid).flatMap(p -> p.info().command()).orElse("").endsWith("sleep"), "pid " + pid);
        } finally {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
