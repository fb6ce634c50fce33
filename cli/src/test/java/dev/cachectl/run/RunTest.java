package dev.cachectl.run;

import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import dev.cachectl.testing.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code run}: a cache for the length of one command, whose exit code becomes run's. */
class RunTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void run_passes_urls_returns_the_exit_code_and_stops_what_it_started() throws Exception {
        CliResult run = home.run("run", "--with", "c1", "--", "sh", "-c",
                "echo \"$REDIS_URL\" > out.txt; echo \"$REDIS_C1_URL\" >> out.txt; exit 7");
        run.assertExit(7);

        List<String> urls = Files.readAllLines(home.workDir().resolve("out.txt"));
        assertEquals(2, urls.size(), urls.toString());
        assertTrue(urls.get(0).matches("redis://127\\.0\\.0\\.1:\\d+"), urls.toString());
        assertEquals(urls.get(0), urls.get(1));
        int port = URI.create(urls.get(0)).getPort();

        assertFalse(home.hasState("c1"), "run left the state of the instance it started");
        assertFalse(Files.exists(home.instanceDir("c1")), "run left the instance dir");
        assertTrue(Processes.portFree(port), "something still listens on " + port);
    }

    @Test
    void run_with_keep_leaves_the_instance_running() throws Exception {
        home.run("run", "--keep", "--with", "c1", "--", "sh", "-c", "echo \"$REDIS_URL\" > out.txt").assertOk();
        String url = Files.readString(home.workDir().resolve("out.txt")).trim();
        assertTrue(home.hasState("c1"), "--keep stopped the instance");
        assertTrue(Processes.alive(home.pid("c1")));
        assertEquals("redis://127.0.0.1:" + home.port("c1"), url);
        try (Jedis jedis = new Jedis(URI.create(url))) {
            assertEquals("PONG", jedis.ping());
        }
    }

    @Test
    void run_leaves_an_instance_that_was_already_running_alone() {
        home.run("start", "c1").assertOk();
        long pid = home.pid("c1");
        home.run("run", "--with", "c1", "--", "sh", "-c", "exit 3").assertExit(3);
        assertTrue(home.hasState("c1"), "run stopped an instance it did not start");
        assertEquals(pid, home.pid("c1"));
        assertTrue(Processes.alive(pid));
    }

    @Test
    void a_command_that_is_not_found_exits_127_and_one_that_cannot_execute_126_as_in_a_shell() {
        CliResult missing = home.run("run", "--with", "c1", "--", "no-such-command-cachectl").assertExit(127);
        assertTrue(missing.err().contains("cannot run no-such-command-cachectl: No such file or directory"), missing.err());
        CliResult notExecutable = home.run("run", "--with", "c1", "--", "/etc/passwd").assertExit(126);
        assertTrue(notExecutable.err().contains("cannot run /etc/passwd: Permission denied"), notExecutable.err());
        assertFalse(home.hasState("c1"), "instance not stopped after the command could not run");
    }

    @Test
    void command_killed_by_a_signal_exits_128_plus_the_signal() {
        home.run("run", "--with", "c1", "--", "sh", "-c", "kill -9 $$").assertExit(137);
        assertFalse(home.hasState("c1"), "instance not stopped after the command was killed");
    }

    @Test
    void run_sets_one_url_per_instance_and_redis_url_to_the_first() throws Exception {
        home.run("run", "--with", "c1,c2", "--", "sh", "-c",
                "echo \"$REDIS_URL\" > out.txt; echo \"$REDIS_C1_URL\" >> out.txt; echo \"$REDIS_C2_URL\" >> out.txt")
                .assertOk();
        List<String> urls = Files.readAllLines(home.workDir().resolve("out.txt"));
        assertEquals(3, urls.size(), urls.toString());
        assertEquals(urls.get(0), urls.get(1));
        assertFalse(urls.get(1).equals(urls.get(2)), "two instances share a URL: " + urls);
        assertTrue(urls.get(2).matches("redis://127\\.0\\.0\\.1:\\d+"), urls.toString());
    }

    @Test
    void two_instances_whose_variables_collide_are_refused_before_anything_starts() {
        CliResult run = home.run("run", "--with", "x-y,x_y", "--", "sh", "-c", "echo ran > ran.txt");
        run.assertExit(2);
        assertTrue(run.err().contains("run: instances 'x-y' and 'x_y' would both be REDIS_X_Y_URL: rename one"), run.err());
        assertFalse(Files.exists(home.workDir().resolve("ran.txt")), "the command ran");
        assertFalse(Files.exists(home.instanceDir("x-y")), "an instance was started");
        assertFalse(Files.exists(home.instanceDir("x_y")), "an instance was started");
    }

    @Test
    void child_runs_in_the_working_directory() throws Exception {
        home.run("run", "--with", "c1", "--", "sh", "-c", "pwd > where.txt").assertOk();
        Path where = Path.of(Files.readString(home.workDir().resolve("where.txt")).trim());
        assertEquals(home.workDir().toRealPath(), where.toRealPath());
    }
}
