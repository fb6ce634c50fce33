package dev.cachectl.cli;

import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.Repo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompletionScriptTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void checked_in_completion_script_matches_the_commands() throws IOException {
        String fresh = home.run("completion").assertOk().out();
        assertTrue(fresh.contains("_picocli_cachectl_start"), "completion covers subcommands");
        assertTrue(fresh.contains("--idle-timeout"), "completion covers options");
        Path checkedIn = Repo.root().resolve("completions/cachectl.bash");
        assertEquals(fresh, Files.readString(checkedIn),
                "completions/cachectl.bash is stale: regenerate it with 'scripts/cachectl completion > completions/cachectl.bash'");
    }
}
