package dev.cachectl.cli;

import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every command checks the servers it names before it does anything, and a server that refuses us
 * says why with the exit code of the table: 2 for what the user must fix (password, db, port), 3 for
 * what does not answer as Redis.
 */
class EndpointCheckTest {
    private static final String PASSWORD = "pw-Check1";

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void a_wrong_or_missing_password_is_exit_2_in_status_as_everywhere() {
        int port = startLocked();
        assertSays(home.run("status", "redis://:wrong@127.0.0.1:" + port).assertExit(2), "authentication failed");
        assertSays(home.run("status", "redis://127.0.0.1:" + port).assertExit(2), "needs a password");
    }

    @Test
    void a_password_sent_to_a_server_without_one_is_exit_2() {
        int port = startPlain();
        CliResult r = home.run("status", "redis://:extra@127.0.0.1:" + port).assertExit(2);
        assertSays(r, "has no password, but one was given");
        // migrate's and warm's checks too, though nothing is ever written (an empty source, no records)
        home.run("start", "empty").assertOk();
        int empty = home.port("empty");
        assertSays(home.run("migrate", "redis://127.0.0.1:" + empty, "redis://:extra@127.0.0.1:" + port).assertExit(2),
                "has no password, but one was given");
        try {
            Files.writeString(home.workDir().resolve("none.jsonl"), "");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertSays(home.run("warm", "none.jsonl", "--to", "redis://:extra@127.0.0.1:" + port, "--key", "u:{id}").assertExit(2),
                "has no password, but one was given");
    }

    @Test
    void a_port_out_of_range_or_not_a_number_is_a_usage_error_that_names_the_port() {
        assertSays(home.run("status", "redis://127.0.0.1:99999").assertExit(2), "port 99999");
        assertSays(home.run("status", "redis://127.0.0.1:abc").assertExit(2), "port 'abc'");
        assertSays(home.run("migrate", "redis://127.0.0.1:0", "redis://127.0.0.1:6379").assertExit(2), "port 0");
    }

    @Test
    void a_db_the_server_does_not_have_is_exit_2_naming_how_many_it_has() {
        int port = startPlain();
        CliResult r = home.run("status", "redis://127.0.0.1:" + port + "/99").assertExit(2);
        assertSays(r, "no db 99");
        assertSays(r, "it has 16");
    }

    @Test
    void migrate_checks_the_target_password_even_when_the_source_is_empty() {
        int source = startPlain();
        int target = startLocked();
        CliResult r = home.run("migrate", "redis://127.0.0.1:" + source, "redis://127.0.0.1:" + target).assertExit(2);
        assertSays(r, "needs a password");
        assertSays(home.run("migrate", "redis://127.0.0.1:" + target, "redis://127.0.0.1:" + source).assertExit(2),
                "needs a password");
    }

    @Test
    void warm_checks_its_target_before_reading_any_record() throws IOException {
        int target = startLocked();
        Files.writeString(home.workDir().resolve("empty.jsonl"), "");
        CliResult r = home.run("warm", "empty.jsonl", "--to", "redis://127.0.0.1:" + target, "--key", "u:{id}").assertExit(2);
        assertSays(r, "needs a password");
    }

    @Test
    void bench_without_the_password_is_exit_2_before_any_work() {
        int port = startLocked();
        CliResult missing = home.run("bench", "redis://127.0.0.1:" + port, "--requests", "100").assertExit(2);
        assertSays(missing, "needs a password");
        assertTrue(missing.err().strip().lines().count() == 1, missing.toString());
        assertSays(home.run("bench", "redis://:wrong@127.0.0.1:" + port, "--requests", "100").assertExit(2),
                "authentication failed");
    }

    @Test
    void a_port_where_something_else_answers_is_not_a_redis_server() throws Exception {
        try (ServerSocket http = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> answerHttp(http), "fake-http");
            server.setDaemon(true);
            server.start();
            int port = http.getLocalPort();
            String expected = "127.0.0.1:" + port + " answered, but not as a Redis server";
            assertSays(home.run("status", "redis://127.0.0.1:" + port).assertExit(3), expected);
            assertSays(home.run("migrate", "redis://127.0.0.1:" + port, "redis://127.0.0.1:" + startPlain()).assertExit(3),
                    expected);
        }
    }

    /** What any HTTP server says to a request it cannot parse. */
    private static void answerHttp(ServerSocket http) {
        while (!http.isClosed()) {
            try (Socket client = http.accept(); OutputStream out = client.getOutputStream()) {
                client.getInputStream().read(new byte[256]);
                out.write(("HTTP/1.1 400 Bad Request\r\nContent-Type: text/html\r\nContent-Length: 13\r\n\r\n"
                        + "<html></html>").getBytes(StandardCharsets.US_ASCII));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private int startPlain() {
        home.run("start", "plain").assertOk();
        return home.port("plain");
    }

    private int startLocked() {
        home.run("start", "locked", "--password", PASSWORD).assertOk();
        return home.port("locked");
    }

    private static void assertSays(CliResult r, String text) {
        assertTrue(r.err().contains(text) || r.out().contains(text), () -> "expected '" + text + "' in\n" + r);
    }
}
