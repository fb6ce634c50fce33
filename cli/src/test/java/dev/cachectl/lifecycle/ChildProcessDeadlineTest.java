package dev.cachectl.lifecycle;

import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import dev.cachectl.testing.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every child process cachectl waits for has a deadline, and what a server's wrapper starts ends with it. */
class ChildProcessDeadlineTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void a_binary_that_hangs_on_its_version_probe_fails_the_start_at_the_deadline() throws IOException {
        Path pids = home.workDir().resolve("pids");
        // the hang is a child holding the output open, as a wrapper's would: reading to end of output never returns
        Path binary = script("hang.sh", "sleep 120 &\necho $! >> " + pids + "\nwait\n");

        long started = System.nanoTime();
        CliResult start = home.run("start", "cache", "--binary", binary.toString()).assertExit(1);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertTrue(took.compareTo(Duration.ofSeconds(60)) < 0, "start waited " + took + " for a hanging binary");
        assertTrue(start.err().contains("--version did not finish"), start.toString());
        for (String pid : Files.readAllLines(pids)) {
            assertTrue(Processes.eventually(Duration.ofSeconds(5), () -> !Processes.alive(Long.parseLong(pid))),
                    "the probe's child " + pid + " was left running");
        }
        assertFalse(home.hasState("cache"));
    }

    @Test
    void stop_ends_what_a_wrapper_script_left_running_beside_the_server() throws IOException {
        Path pids = home.workDir().resolve("pids");
        String server = Processes.output("sh", "-c", "command -v redis-server").trim();
        Path wrapper = script("wrapper.sh", "sleep 300 &\necho $! >> " + pids + "\nexec " + server + " \"$@\"\n");

        home.run("start", "cache", "--binary", wrapper.toString()).assertOk();
        List<String> children = Files.readAllLines(pids);
        assertFalse(children.isEmpty());
        home.run("stop", "cache", "--timeout", "5s").assertOk();
        for (String pid : children) {
            assertTrue(Processes.eventually(Duration.ofSeconds(5), () -> !Processes.alive(Long.parseLong(pid))),
                    "the wrapper's child " + pid + " survived the stop");
        }
    }

    private Path script(String name, String body) throws IOException {
        Path file = home.workDir().resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }
}
