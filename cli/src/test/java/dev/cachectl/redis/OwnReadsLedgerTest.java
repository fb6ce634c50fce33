package dev.cachectl.redis;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class OwnReadsLedgerTest {

    @Test
    void a_run_that_finishes_after_a_restart_keeps_what_a_run_under_the_new_run_id_recorded(@TempDir Path home) {
        OwnReads own = new OwnReads(home);
        own.add("127.0.0.1:7000", "after-restart", 2, 1);
        own.add("127.0.0.1:7000", "before-restart", 5, 3); // a run that read the server before it restarted, ending late
        assertArrayEquals(new long[] {2, 1}, own.of("127.0.0.1:7000", "after-restart"));
        assertArrayEquals(new long[] {5, 3}, own.of("127.0.0.1:7000", "before-restart"));
        own.add("127.0.0.1:7000", "after-restart", 1, 1);
        assertArrayEquals(new long[] {3, 2}, own.of("127.0.0.1:7000", "after-restart"), "a run id's reads add up");
    }

    @Test
    void only_the_last_run_ids_of_a_server_are_kept_and_other_servers_keep_theirs(@TempDir Path home) {
        OwnReads own = new OwnReads(home);
        own.add("127.0.0.1:7001", "other", 7, 0);
        int runs = OwnReads.RUN_IDS_KEPT + 3;
        for (int i = 0; i < runs; i++) {
            own.add("127.0.0.1:7000", "run-" + i, i + 1, 0);
        }
        for (int i = 0; i < runs; i++) {
            long[] expected = i >= runs - 1 - OwnReads.RUN_IDS_KEPT ? new long[] {i + 1, 0} : new long[] {0, 0};
            assertArrayEquals(expected, own.of("127.0.0.1:7000", "run-" + i), "run-" + i);
        }
        assertArrayEquals(new long[] {7, 0}, own.of("127.0.0.1:7001", "other"));
    }
}
