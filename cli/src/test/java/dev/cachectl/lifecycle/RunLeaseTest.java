package dev.cachectl.lifecycle;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What a stop by hand says of the leases on the instance it stops: which command holds each, and its pid. */
class RunLeaseTest {

    @Test
    void holders_are_named_by_their_command_and_a_lease_that_names_none_is_a_runs() {
        assertEquals("a 'cachectl bench --mode cold-start' (pid 7)", RunLease.holders(List.of(lease(7, "bench --mode cold-start"))));
        assertEquals("2 'cachectl run's (pids 12, 13) and a 'cachectl bench --mode eviction' (pid 14)",
                RunLease.holders(List.of(lease(12, "run"), lease(14, "bench --mode eviction"), lease(13, null))));
    }

    private static RunLease lease(long pid, String command) {
        return new RunLease(pid + "-1", pid, 0, null, "/usr/bin/java", command);
    }
}
