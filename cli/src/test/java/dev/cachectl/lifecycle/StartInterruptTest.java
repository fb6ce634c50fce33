package dev.cachectl.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CachectlProcess;
import dev.cachectl.testing.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ctrl-C while a cluster starts: reported as an interruption (exit 130), never as a server that exited; nothing left behind. */
class StartInterruptTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void ctrl_c_during_a_cluster_start_says_interrupted_and_leaves_nothing() throws Exception {
        CachectlProcess start = CachectlProcess.launch(home, "start.log", "start", "c", "--cluster", "3", "--wait", "60s");
        try {
            // the nodes are launched (the state lists them) and the cluster is not formed yet (no node ids)
            assertTrue(Processes.eventually(Duration.ofSeconds(30), () -> home.hasState("c") && home.state("c").path("nodes").size() == 3),
                    "the nodes were not launched: " + start.log());
            List<Long> pids = new ArrayList<>();
            home.state("c").path("nodes").forEach(n -> pids.add(n.path("pid").asLong()));
            start.signal("-INT", false);

            assertTrue(start.process().waitFor(30, TimeUnit.SECONDS), "start did not end after Ctrl-C: " + start.log());
            String log = start.log();
            assertEquals(130, start.process().exitValue(), log);
            assertTrue(log.contains("interrupted"), log);
            assertFalse(log.contains("exited during start"), log);
            for (long pid : pids) {
                assertFalse(Processes.alive(pid), "node " + pid + " left running: " + log);
            }
            assertFalse(Files.exists(home.instanceDir("c")), "the instance folder was left: " + log);
        } finally {
            start.process().destroyForcibly();
        }
    }
}
