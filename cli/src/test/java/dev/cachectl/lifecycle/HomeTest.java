package dev.cachectl.lifecycle;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Where the home is when neither --home nor CACHECTL_HOME says. */
class HomeTest {

    @Test
    void the_default_home_is_under_HOME_when_it_is_an_absolute_path_else_under_the_accounts_home() {
        Path account = Path.of(System.getProperty("user.home"), ".cachectl");
        assertEquals(Path.of("/tmp/someone/.cachectl"), Home.resolve(null, Map.of("HOME", "/tmp/someone/")).root());
        assertEquals(account, Home.resolve(null, Map.of("HOME", "relative")).root());
        assertEquals(account, Home.resolve(null, Map.of("HOME", "")).root());
        assertEquals(account, Home.resolve(null, Map.of()).root());
        assertEquals(Path.of("/tmp/h"), Home.resolve(null, Map.of("HOME", "/tmp/someone", "CACHECTL_HOME", "/tmp/h")).root());
    }
}
