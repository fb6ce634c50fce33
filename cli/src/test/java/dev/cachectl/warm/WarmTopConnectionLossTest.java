package dev.cachectl.warm;

import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import dev.cachectl.testing.Faults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** warm --top whose source or target dies part way names that server and what happened. */
class WarmTopConnectionLossTest {
    private static final int KEYS = 5000;
    private static final Pattern JAVA = Pattern.compile("java\\.|Exception|jedis", Pattern.CASE_INSENSITIVE);

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    private CliResult killDuringWarm(String victim) throws Exception {
        home.run("start", "src", "dst").assertOk();
        Faults.loadStrings(home, "src", KEYS);
        return Faults.during(home, "dst", 100, Faults.kill(home, victim), "warm", "src", "--to", "dst",
                "--top", Integer.toString(KEYS), "--rate", "500", "--batch", "50");
    }

    private void assertNamed(CliResult result, String role, String name) {
        assertNotEquals(0, result.exitCode(), result.toString());
        assertTrue(result.err().contains("lost the connection to " + role + " redis://127.0.0.1:" + home.port(name) + ": "),
                result.toString());
        assertFalse(JAVA.matcher(result.err() + result.out()).find(), result.toString());
    }

    @Test
    void a_source_killed_mid_warm_top_is_named_with_what_happened() throws Exception {
        assertNamed(killDuringWarm("src"), "source", "src");
    }

    @Test
    void a_target_killed_mid_warm_top_is_named_with_what_happened() throws Exception {
        assertNamed(killDuringWarm("dst"), "target", "dst");
    }
}
