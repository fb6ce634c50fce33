package dev.cachectl.lifecycle;

import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import dev.cachectl.testing.FakeRedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A start that cannot succeed says why in one line, exits non-zero and leaves nothing behind. */
class StartFailureTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void start_on_a_taken_port_fails_naming_the_port_and_leaves_nothing() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            CliResult result = home.run("start", "cache", "--port", Integer.toString(port)).assertExit(1);
            List<String> lines = result.err().lines().toList();
            assertEquals(1, lines.size(), result.toString());
            assertTrue(lines.get(0).contains("port " + port), result.toString());
            assertEquals("", result.out(), result.toString());
            assertNothingLeftBehind("cache");
        }
    }

    @Test
    void start_with_a_missing_binary_is_a_usage_error_and_leaves_nothing() {
        CliResult result = home.run("start", "cache", "--binary", "/nonexistent/redis-server").assertExit(2);
        assertTrue(result.err().contains("/nonexistent/redis-server"), result.toString());
        assertTrue(result.err().contains("not found"), result.toString());
        assertNothingLeftBehind("cache");
    }

    @ParameterizedTest
    @CsvSource({
            "--policy=bogus, 'bogus'",
            "--maxmemory=lots, 'lots'",
            "--port=70000, port 70000 is out of range",
            "--port=0, port 0 is out of range",
            "--no-such-option, --no-such-option"})
    void start_with_an_invalid_flag_is_a_usage_error_and_leaves_nothing(String flag, String named) {
        CliResult result = home.run("start", "cache", flag).assertExit(2);
        assertTrue(result.err().contains(named), result.toString());
        assertEquals("", result.out(), result.toString());
        assertNothingLeftBehind("cache");
    }

    @Test
    void start_with_an_invalid_instance_name_is_a_usage_error() {
        CliResult result = home.run("start", "Bad Name").assertExit(2);
        assertTrue(result.err().contains("invalid instance name 'Bad Name'"), result.toString());
        assertFalse(Files.exists(home.instanceDir("Bad Name")));
    }

    @Test
    void server_that_exits_during_start_shows_its_last_log_lines_and_leaves_nothing() throws IOException {
        Path fake = FakeRedisServer.in(home.workDir(), """
                echo "*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***"
                echo "Reading the configuration file, at line 3"
                echo "Bad directive or wrong number of arguments"
                exit 1
                """);

        CliResult result = home.run("start", "cache", "--binary", fake.toString()).assertExit(1);
        assertTrue(result.err().contains("exited during start"), result.toString());
        assertTrue(result.err().contains("Bad directive or wrong number of arguments"), result.toString());
        assertTrue(result.err().contains("FATAL CONFIG FILE ERROR"), result.toString());
        assertEquals("", result.out(), result.toString());
        assertNothingLeftBehind("cache");
    }

    private void assertNothingLeftBehind(String name) {
        assertFalse(home.hasState(name), "state file left behind");
        assertFalse(Files.exists(home.instanceDir(name)), "instance dir left behind");
    }
}
