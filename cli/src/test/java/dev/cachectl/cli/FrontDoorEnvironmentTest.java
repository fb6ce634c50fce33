package dev.cachectl.cli;

import dev.cachectl.Cachectl;
import dev.cachectl.Cancellation;
import dev.cachectl.Environment;
import dev.cachectl.testing.Await;
import dev.cachectl.testing.CachectlHome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine.Help.Ansi;
import redis.clients.jedis.Jedis;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a run sees of the outside (signals, terminal) comes through the front door's Environment, not the JVM. */
class FrontDoorEnvironmentTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void a_signal_from_the_environment_stops_migrate_with_its_checkpoint_and_130() throws Exception {
        int keys = 10_000;
        home.run("start", "src", "dst").assertOk();
        home.fill("src", keys);
        int dstPort = home.port("dst");
        // SIGINT as the process's handler would send it, once the copy is under way
        Cancellation.Source sigintOnceCopying = token -> {
            Thread sender = new Thread(() -> {
                try (Jedis dst = new Jedis("127.0.0.1", dstPort)) {
                    Await.until(Duration.ofSeconds(20), "migrate made no progress", () -> dst.dbSize() >= 500);
                }
                token.signal("INT");
            });
            sender.setDaemon(true);
            sender.start();
            return () -> { };
        };
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Environment env = new Environment(Map.copyOf(home.env()), home.workDir(), new ByteArrayInputStream(new byte[0]), false,
                sigintOnceCopying);
        int code = Cachectl.run(new PrintWriter(out), new PrintWriter(err), env,
                "migrate", "src", "dst", "--rate", "2000", "--threads", "1", "--batch", "100", "--scan-count", "100");
        assertEquals(130, code, out + "\n" + err);
        assertTrue(err.toString().contains("checkpoint saved"), err.toString());
        try (Jedis dst = new Jedis("127.0.0.1", dstPort)) {
            assertTrue(dst.dbSize() < keys, "the run was not interrupted");
            home.run("migrate", "src", "dst", "--resume").assertOk();
            assertEquals(keys, dst.dbSize());
        }
        try (var left = Files.list(home.root().resolve("migrate"))) {
            assertFalse(left.anyMatch(f -> f.toString().endsWith(".json")), "a finished job leaves no checkpoint");
        }
    }

    @Test
    void help_fits_the_terminal_only_when_the_environment_has_one() {
        Map<String, String> vars = new HashMap<>(home.env());
        vars.remove("COLUMNS");
        Environment onTerminal = new Environment(vars, home.workDir(), new ByteArrayInputStream(new byte[0]), true);
        Environment piped = new Environment(vars, home.workDir(), new ByteArrayInputStream(new byte[0]), false);
        assertTrue(Cachectl.commandLine(onTerminal, Ansi.OFF, "help").isUsageHelpAutoWidth());
        assertFalse(Cachectl.commandLine(piped, Ansi.OFF, "help").isUsageHelpAutoWidth());
    }
}
