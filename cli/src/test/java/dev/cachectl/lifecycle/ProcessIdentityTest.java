package dev.cachectl.lifecycle;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A process's identity read from /proc says what the JDK's {@code ProcessHandle.Info} says, so that state files
 * written with either match the same process.
 */
class ProcessIdentityTest {

    @Test
    void read_from_proc_it_matches_what_the_jdk_reports() throws Exception {
        Process sleep = new ProcessBuilder("sleep", "30").start();
        try {
            ProcessHandle handle = sleep.toHandle();
            ProcessIdentity identity = ProcessIdentity.of(handle);
            ProcessHandle.Info info = handle.info();
            assertEquals(info.startInstant().map(Instant::toEpochMilli).orElseThrow(), identity.startMillis(), identity.describe());
            assertEquals(info.command().orElseThrow(), identity.executable());
            assertTrue(identity.startTicks() > 0, identity.toString());
            assertTrue(identity.matches(sleep.pid(), identity.startMillis(), null, identity.executable()),
                    "an older state file (no start tick) names it by its start time and executable");
        } finally {
            sleep.destroyForcibly().waitFor();
        }
    }
}
