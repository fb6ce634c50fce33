package dev.cachectl.config;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A cachectl.yaml mistake is reported at its own line and column, in words, without Java type names. */
class ConfigErrorLocationTest {
    private static final Pattern JAVA = Pattern.compile("\\b(java|javax|com\\.fasterxml|dev\\.cachectl)\\.[\\w.]+|\\w+Exception|`");

    @TempDir
    Path dir;

    @Test
    void an_unknown_setting_is_reported_at_its_own_line() throws IOException {
        String message = error("""
                instances:
                  a:
                    port: 7000
                  b:
                    prot: 7001
                """);
        assertTrue(message.contains("line 5, column 5: unknown setting 'prot' at instances.b.prot"), message);
    }

    @Test
    void a_mistake_on_the_first_line_is_on_line_1() throws IOException {
        String message = error("instancs:\n  a:\n    port: 1\n");
        assertTrue(message.contains("line 1, column 1: unknown setting 'instancs'"), message);
    }

    @Test
    void a_setting_indented_one_level_too_little_says_so_in_words() throws IOException {
        String message = error("""
                instances:
                  a:
                  port: 7000
                """);
        assertTrue(message.contains("line 3, column 3: instances.port should be a group of 'name: value' settings, "
                + "but it is a number"), message);
        assertTrue(message.contains("indented"), message);
    }

    @Test
    void indentation_that_does_not_line_up_is_a_yaml_error_at_its_line() throws IOException {
        String message = error("instances:\n  a:\n    port: 7000\n   maxmemory: 1mb\n");
        assertTrue(message.contains("line 4, column 4: the indentation does not line up"), message);
    }

    @Test
    void a_tab_is_named_as_such() throws IOException {
        String message = error("instances:\n\ta:\n");
        assertTrue(message.contains("line 2, column 1: a tab character"), message);
    }

    @Test
    void a_wrong_kind_of_value_names_what_was_expected() throws IOException {
        String message = error("jobs:\n  j:\n    nx: maybe\n");
        assertTrue(message.contains("line 3, column 5: jobs.j.nx should be true or false, but it is text"), message);
    }

    @Test
    void a_name_or_setting_written_twice_is_an_error_at_the_second() throws IOException {
        String names = error("instances:\n  x:\n    port: 7001\n  x:\n    port: 7002\n");
        assertTrue(names.contains("line 4: 'x' is written twice at the same level: keep one"), names);
        String settings = error("instances:\n  x:\n    port: 7001\n    port: 7002\n");
        assertTrue(settings.contains("line 4: 'port' is written twice"), settings);
    }

    @Test
    void a_file_of_one_word_says_what_it_should_be_and_an_empty_one_configures_nothing() throws IOException {
        String word = error("hello\n");
        assertTrue(word.endsWith(": should be a group of 'name: value' settings (instances, categories, jobs, groups), "
                + "but it is text"), word);
        Path empty = Files.writeString(dir.resolve("empty.yaml"), "# nothing yet\n");
        assertTrue(Config.load(empty, Map.of(), dir).instances().isEmpty());
    }

    @Test
    void a_setting_for_starting_a_server_beside_a_url_is_refused_not_ignored() throws IOException {
        String message = error("instances:\n  x:\n    url: redis://127.0.0.1:6379\n    port: 7000\n    maxmemory: 1gb\n");
        assertTrue(message.contains("line 4, column 5: instance 'x' has a url and port, maxmemory: a url names a server "
                + "cachectl does not start"), message);
    }

    @Test
    void a_config_that_is_a_folder_a_device_or_empty_says_which() {
        assertEquals("config file " + dir + " is a folder: name the cachectl.yaml in it", loadError(dir));
        assertEquals("config file /dev/null is not a regular file (a device or a pipe)", loadError(Path.of("/dev/null")));
        assertEquals("--config needs the path of a file (it was given an empty one)", loadError(Path.of("")));
        assertEquals("config file not found: " + dir.resolve("nope.yaml"), loadError(Path.of("nope.yaml")));
    }

    private String loadError(Path config) {
        CachectlException e = assertThrows(CachectlException.class, () -> Config.load(config, Map.of(), dir));
        assertEquals(ExitCode.USAGE, e.exitCode());
        return e.getMessage();
    }

    private String error(String yaml) throws IOException {
        Path file = Files.writeString(dir.resolve("cachectl.yaml"), yaml);
        CachectlException e = assertThrows(CachectlException.class, () -> Config.load(file, Map.of(), dir));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertFalse(JAVA.matcher(e.getMessage()).find(), e.getMessage());
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        return e.getMessage();
    }
}
