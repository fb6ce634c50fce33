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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A battery of bad inputs for every command: wrong passwords, ports where nothing or something else
 * answers, dbs and files that do not exist, damaged config, bad option values. Each must end in one
 * operator's line with the exit code of the table, and never show a Java class name or call itself a bug.
 */
class NoJavaNamesTest {
    /** What a Java name looks like in a message: a qualified name, or an exception or error class. */
    static final Pattern JAVA_NAME = Pattern.compile(
            "\\b(java|javax|jdk|sun|redis\\.clients|com\\.fasterxml|com\\.mongodb|org\\.bson|picocli|dev\\.cachectl)\\.[\\w.$]+"
                    + "|\\b\\w+Exception\\b|\\b[A-Z]\\w*Error\\b");

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    private record Case(int exit, String... args) {
    }

    @Test
    void bad_inputs_for_every_command_end_in_an_operator_sentence_without_java_names() throws Exception {
        home.run("start", "plain").assertOk();
        home.run("start", "locked", "--password", "pw-Battery1").assertOk();
        String plain = "redis://127.0.0.1:" + home.port("plain");
        String locked = "127.0.0.1:" + home.port("locked");
        String closed = "redis://127.0.0.1:" + closedPort();
        Path work = home.workDir();
        // a gzip header, then bytes that do not inflate
        Files.write(work.resolve("broken.jsonl.gz"), new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6});
        Files.createDirectories(work.resolve("folder.jsonl"));
        Files.writeString(work.resolve("ok.jsonl"), "{\"id\":1}\n");
        Files.writeString(work.resolve("bad.yaml"), "instances:\n  a:\n  port: 7000\n");
        Files.writeString(work.resolve("tabs.yaml"), "instances:\n\ta: {}\n");
        Files.writeString(work.resolve("huge.yaml"), "instances:\n  a: { idle-timeout: 99999999999999999999s }\n");
        Files.writeString(work.resolve("checkpoint.json"), "{\"streams\": \"nope\"");

        try (ServerSocket http = httpServer()) {
            String other = "redis://127.0.0.1:" + http.getLocalPort();
            List<Case> cases = List.of(
                    // global
                    new Case(2, "strat"),
                    new Case(2, "--config", "missing.yaml", "status"),
                    new Case(2, "--config", "bad.yaml", "status"),
                    new Case(2, "--config", "tabs.yaml", "start", "a"),
                    new Case(2, "--config", "huge.yaml", "start", "a"),
                    new Case(2, "--progress", "fancy", "status"),
                    new Case(2, "--config", "/proc/self/mem", "status"),
                    new Case(-1, "--home", "/proc/no-such-home", "start", "x"),
                    new Case(2, "status", "--jsn"),
                    // start
                    new Case(2, "start", "x", "--port", "abc"),
                    new Case(2, "start", "x", "--port", "99999"),
                    new Case(2, "start", "x", "--maxmemory", "lots"),
                    new Case(2, "start", "x", "--idle-timeout", "forever"),
                    new Case(2, "start", "x", "--idle-timeout", "999999999999999999d"),
                    new Case(2, "start", "x", "--wait", "99999999999999999999s"),
                    new Case(2, "start", "x", "--cluster", "many"),
                    new Case(2, "start", "x", "--engine", "nosql"),
                    new Case(-1, "start", "x", "--binary", "/nonexistent/redis-server"),
                    new Case(2, "start", "Bad/Name"),
                    new Case(3, "start", closed),
                    new Case(3, "start", other),
                    new Case(2, "start", "redis://:wrong@" + locked),
                    // stop
                    new Case(2, "stop", "--timeout", "soon"),
                    new Case(2, "stop", "--timeout", "999999999999d"),
                    new Case(2, "stop", closed),
                    // status
                    new Case(3, "status", closed),
                    new Case(3, "status", other),
                    new Case(2, "status", "redis://:wrong@" + locked),
                    new Case(2, "status", "redis://" + locked),
                    new Case(2, "status", "redis://:extra@" + plain.substring("redis://".length())),
                    new Case(2, "status", plain + "/99"),
                    new Case(2, "status", "redis://127.0.0.1:abc"),
                    new Case(2, "status", "http://127.0.0.1:80"),
                    new Case(2, "status", "--interval", "often"),
                    new Case(2, "status", plain, "--top", "5"),
                    new Case(2, "status", plain, "--sample", "100"),
                    // run
                    new Case(3, "run", "--with", closed, "--", "true"),
                    new Case(2, "run", "--with", "redis://" + locked, "--", "true"),
                    new Case(-1, "run", "--with", plain, "--", "/nonexistent/program"),
                    // warm
                    new Case(2, "warm", "missing.jsonl", "--to", plain, "--key", "u:{id}"),
                    new Case(2, "warm", "folder.jsonl", "--to", plain, "--key", "u:{id}"),
                    new Case(-1, "warm", "broken.jsonl.gz", "--to", plain, "--key", "u:{id}"),
                    new Case(2, "warm", "ok.jsonl", "--to", plain, "--key", "u:{id"),
                    new Case(2, "warm", "ok.jsonl", "--to", plain, "--key", "u:{id}", "--format", "xml"),
                    new Case(2, "warm", "ok.jsonl", "--to", plain, "--key", "u:{id}", "--ttl", "-5s"),
                    new Case(2, "warm", "ok.jsonl", "--to", plain, "--key", "u:{id}", "--ttl", "999999999999d"),
                    new Case(2, "warm", "ok.jsonl", "--to", plain, "--key", "u:{id}", "--threads", "100000"),
                    new Case(3, "warm", "ok.jsonl", "--to", closed, "--key", "u:{id}"),
                    new Case(3, "warm", "ok.jsonl", "--to", other, "--key", "u:{id}"),
                    new Case(2, "warm", "ok.jsonl", "--to", "redis://:wrong@" + locked, "--key", "u:{id}"),
                    new Case(2, "warm", "ok.jsonl", "--to", plain + "/99", "--key", "u:{id}"),
                    new Case(3, "warm", closed, "--to", plain, "--top", "5"),
                    // migrate
                    new Case(3, "migrate", closed, plain),
                    new Case(3, "migrate", plain, other),
                    new Case(2, "migrate", plain, "redis://" + locked),
                    new Case(2, "migrate", plain, plain + "/99"),
                    new Case(2, "migrate", plain, plain),
                    new Case(2, "migrate", plain, "redis://:pw-Battery1@" + locked, "--db-map", "x"),
                    new Case(2, "migrate", plain, "redis://:pw-Battery1@" + locked, "--type", "tree"),
                    new Case(2, "migrate", plain, "redis://:pw-Battery1@" + locked, "--scan-count", "0"),
                    new Case(2, "migrate", plain, "redis://:pw-Battery1@" + locked, "--big-key-elements", "-5"),
                    new Case(2, "migrate", plain, "redis://:pw-Battery1@" + locked, "--ttl-tolerance", "999999999999999999d"),
                    new Case(2, "migrate", plain, "redis://:pw-Battery1@" + locked, "--checkpoint", "checkpoint.json", "--resume"),
                    new Case(2, "migrate", plain, "redis://:pw-Battery1@" + locked, "--resume", "--checkpoint", "nowhere/c.json"),
                    // bench
                    new Case(2, "--json", "bench", plain, "--csv", "--requests", "10"),
                    // completion
                    new Case(2, "completion", "extra", "args"),
                    new Case(2, "--json", "completion"),
                    new Case(2, "--json", "run", "--with", plain, "--", "true"));
            List<String> problems = new ArrayList<>();
            for (Case c : cases) {
                CliResult r = home.run(c.args());
                String what = String.join(" ", c.args()) + "\n" + r + "\n";
                if (JAVA_NAME.matcher(r.err() + r.out()).find() || r.err().contains("For input string")) {
                    problems.add("Java name in: " + what);
                } else if (r.err().contains("a bug")) {
                    problems.add("called a bug: " + what);
                } else if (c.exit() >= 0 ? r.exitCode() != c.exit() : r.exitCode() == 0) {
                    problems.add("expected exit " + (c.exit() >= 0 ? c.exit() : "non-zero") + ": " + what);
                } else if (!r.err().startsWith("cachectl: ") && r.err().lines().noneMatch(l -> l.contains("cachectl: "))
                        && !r.out().contains("down")) {
                    problems.add("no one-line cause on stderr: " + what);
                }
            }
            assertEquals(List.of(), problems, () -> String.join("\n", problems));
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Something that is not Redis on a loopback port: an HTTP server answering every request with 400. */
    private static ServerSocket httpServer() throws IOException {
        ServerSocket http = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread server = new Thread(() -> {
            while (!http.isClosed()) {
                try (Socket client = http.accept(); OutputStream out = client.getOutputStream()) {
                    client.getInputStream().read(new byte[256]);
                    out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException closed) {
                    return;
                }
            }
        }, "fake-http");
        server.setDaemon(true);
        server.start();
        return http;
    }
}
