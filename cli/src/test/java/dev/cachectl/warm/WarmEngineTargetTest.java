package dev.cachectl.warm;

import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** warm finds its target's engine as every command does (URL scheme, or a managed instance's state), and refuses a mongo one. */
class WarmEngineTargetTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void a_mongodb_url_target_is_refused_in_one_line() throws IOException {
        Files.writeString(home.workDir().resolve("u.jsonl"), "{\"id\":1}\n");
        CliResult r = home.run("warm", "u.jsonl", "--to", "mongodb://127.0.0.1:1/shop", "--key", "u:{id}").assertExit(2);
        assertEquals(1, r.err().lines().count(), r.toString());
        assertTrue(r.err().contains("is a mongo instance; warm reads and writes Redis here"), r.toString());
    }

    @Test
    void a_running_mongo_instance_started_with_engine_mongo_is_refused_by_its_engine_not_talked_to_as_redis() throws IOException {
        Files.writeString(home.workDir().resolve("u.jsonl"), "{\"id\":1}\n");
        home.run("start", "docs", "--engine", "mongo").assertOk();

        CliResult r = home.run("warm", "u.jsonl", "--to", "docs", "--key", "u:{id}").assertExit(2);
        assertEquals(1, r.err().lines().count(), r.toString());
        assertTrue(r.err().contains("'docs' is a mongo instance; warm reads and writes Redis here"), r.toString());
    }
}
