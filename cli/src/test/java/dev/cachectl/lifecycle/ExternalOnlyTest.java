package dev.cachectl.lifecycle;

import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Servers managed elsewhere (Docker Compose, Kubernetes): cachectl launches nothing and works against URLs. */
class ExternalOnlyTest {
    private static final String REFUSAL = "no URL for instance 'c1', and servers are managed outside here";

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void external_only_refuses_to_start_run_or_warm_an_instance_without_a_url_and_launches_nothing() throws IOException {
        home.env().put("CACHECTL_EXTERNAL_ONLY", "1");
        Files.writeString(home.workDir().resolve("u.jsonl"), "{\"id\":1}\n");

        CliResult start = home.run("start", "c1").assertExit(3);
        assertTrue(start.err().contains(REFUSAL) && start.err().contains("REDIS_C1_URL"), start.toString());
        CliResult run = home.run("run", "--with", "c1", "--", "sh", "-c", "touch ran");
        run.assertExit(3);
        assertTrue(run.err().contains(REFUSAL), run.toString());
        assertFalse(Files.exists(home.workDir().resolve("ran")), "run ran its command without its cache");
        CliResult warm = home.run("warm", "u.jsonl", "--to", "c1", "--key", "u:{id}").assertExit(3);
        assertTrue(warm.err().contains(REFUSAL), warm.toString());

        assertFalse(Files.exists(home.instanceDir("c1")), "a server folder was made for c1");
        // the leak check after the test finds any server or supervisor that was launched anyway
    }

    @Test
    void docker_env_set_to_anything_means_external_only_too() {
        home.env().put("DOCKER_ENV", "");
        CliResult start = home.run("start", "c1").assertExit(3);
        assertTrue(start.err().contains(REFUSAL) && start.err().contains("DOCKER_ENV is set"), start.toString());
        assertFalse(Files.exists(home.instanceDir("c1")));
    }

    @Test
    void external_only_still_runs_status_migrate_warm_and_run_against_urls() throws IOException {
        // two servers "managed elsewhere": started here before the switch, then reached only by URL
        String source = home.run("start", "src").assertOk().out().trim();
        String target = home.run("start", "dst").assertOk().out().trim();
        try (Jedis redis = new Jedis("127.0.0.1", home.port("src"))) {
            redis.set("k1", "v1");
            redis.set("k2", "v2");
        }
        home.env().put("CACHECTL_EXTERNAL_ONLY", "true");
        home.env().put("REDIS_PRIMARY_URL", source);
        home.env().put("REDIS_SECONDARY_URL", target);

        CliResult status = home.run("status", "primary", "secondary").assertOk();
        assertTrue(status.out().contains("primary") && status.out().contains("secondary"), status.toString());
        home.run("migrate", "primary", "secondary").assertOk();
        Files.writeString(home.workDir().resolve("u.jsonl"), "{\"id\":7}\n");
        home.run("warm", "u.jsonl", "--to", "secondary", "--key", "u:{id}").assertOk();
        home.run("run", "--with", "secondary", "--", "sh", "-c", "test \"$REDIS_URL\" = \"$REDIS_SECONDARY_URL\"").assertOk();
        CliResult start = home.run("start", "primary").assertOk();
        assertTrue(start.err().contains("external"), start.toString());
        // by its own name, a server started here before the switch is one without a URL: refused, though it runs
        CliResult byName = home.run("migrate", "src", "secondary").assertExit(3);
        assertTrue(byName.err().contains("no URL for instance 'src', and servers are managed outside here"), byName.toString());
        assertTrue(home.run("status", "src").out().contains(" up "), "status still shows it");

        try (Jedis redis = new Jedis("127.0.0.1", home.port("dst"))) {
            assertEquals("v1", redis.get("k1"));
            assertEquals("v2", redis.get("k2"));
            assertTrue(redis.exists("u:7"));
        }
        assertTrue(home.run("stop", "--all").exitCode() == 0, "the servers started before the switch can still be stopped");
    }
}
