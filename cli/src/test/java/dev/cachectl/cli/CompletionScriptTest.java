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

    /**
     * picocli names an option's candidate array after its parameter label: two options of one command with one
     * label (and different values) would both complete to the last one's values.
     */
    @Test
    void every_option_of_a_command_completes_to_its_own_values() {
        String script = home.run("completion").assertOk().out();
        java.util.List<String> clashes = new java.util.ArrayList<>();
        for (String function : script.split("\n(?=function )")) {
            java.util.Map<String, String> arrays = new java.util.HashMap<>();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("local (\\w+_option_args)=\\((.*)\\) # (\\S+) values")
                    .matcher(function);
            while (m.find()) {
                String before = arrays.put(m.group(1), m.group(3) + " " + m.group(2));
                if (before != null) {
                    clashes.add(function.lines().findFirst().orElse("") + ": " + before + " / " + m.group(3) + " " + m.group(2));
                }
            }
        }
        assertEquals(java.util.List.of(), clashes);
        assertTrue(script.contains("(\"none\" \"quick\" \"full\") # --verify values"), "migrate --verify completes its levels");
    }
}
