package dev.cachectl.run;

import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code run --with NAME --warm JOB}: the command starts against a cache that is already warm. */
class RunWarmTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @BeforeEach
    void config() throws IOException {
        Files.writeString(home.workDir().resolve("users.jsonl"), "{\"id\":1,\"name\":\"Ann\"}\n{\"id\":2,\"name\":\"Bob\"}\n{\"id\":3,\"name\":\"Cy\"}\n");
        Files.writeString(home.workDir().resolve("broken.jsonl"), "{\"id\":1,\"name\":\"Ann\"}\n{not json\n");
        Files.writeString(home.workDir().resolve("cachectl.yaml"), """
                jobs:
                  users:
                    source: users.jsonl
                    to: somewhere-else
                    key: "user:{id}"
                    value: name
                  broken:
                    source: broken.jsonl
                    key: "user:{id}"
                    value: name
                """);
    }

    @Test
    void the_command_sees_the_warmed_keys_at_its_start_and_the_instance_is_stopped_after() throws IOException {
        CliResult run = home.run("run", "--with", "c1", "--warm", "users", "--", "sh", "-c",
                "redis-cli -u \"$REDIS_URL\" DBSIZE > seen.txt; redis-cli -u \"$REDIS_URL\" GET user:2 >> seen.txt").assertOk();
        assertTrue(run.err().contains("warm users.jsonl → c1: read 3, written 3"), run.toString());
        assertEquals(List.of("3", "Bob"), Files.readAllLines(home.workDir().resolve("seen.txt")), run.toString());
        assertFalse(home.hasState("c1"), "run left the instance it started");
    }

    @Test
    void a_warm_that_does_not_complete_keeps_the_command_from_running_and_stops_the_instance() {
        CliResult run = home.run("run", "--with", "c1", "--warm", "broken", "--", "sh", "-c", "touch ran").assertExit(4);
        assertTrue(run.err().contains("warm job 'broken' into 'c1' did not complete (partial)")
                && run.err().contains("the command was not run"), run.toString());
        assertFalse(Files.exists(home.workDir().resolve("ran")), "the command ran against a cache that was not warmed");
        assertFalse(home.hasState("c1"), "run left the instance it started");

        CliResult unknown = home.run("run", "--with", "c1", "--warm", "nightly", "--", "sh", "-c", "touch ran").assertExit(2);
        assertTrue(unknown.err().contains("no warm job 'nightly'") && unknown.err().contains("known: users, broken"), unknown.toString());
        assertFalse(Files.exists(home.instanceDir("c1")), "an unknown job started a server");
    }
}
