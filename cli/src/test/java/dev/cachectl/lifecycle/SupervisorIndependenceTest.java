package dev.cachectl.lifecycle;

import dev.cachectl.testing.CachectlHome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;

class SupervisorIndependenceTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void supervisor_runs_whatever_became_of_the_config_it_was_started_next_to() throws IOException {
        home.env().put("CACHECTL_CONFIG", "gone.yaml");
        home.run("supervise").assertOk();
        Files.writeString(home.workDir().resolve("cachectl.yaml"), "instances: [broken\n");
        home.run("supervise").assertOk();
    }
}
