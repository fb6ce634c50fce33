package dev.cachectl.lifecycle;

import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a --persist instance was first started with belongs to it: later starts and 'run' reuse it; only --purge deletes its data. */
class PersistedSettingsTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void a_start_without_persist_keeps_the_data_and_the_next_stop_does_not_delete_it() {
        home.run("start", "p", "--persist").assertOk();
        write("p", null);
        home.run("stop", "p").assertOk();

        CliResult again = home.run("start", "p").assertOk();
        assertTrue(again.err().contains("persists as at its first start"), again.toString());
        assertEquals("kept", read("p", null));
        CliResult stop = home.run("stop", "p").assertOk();
        assertTrue(stop.err().contains("data kept"), stop.toString());
        assertTrue(Files.isDirectory(home.instanceDir("p").resolve("data")), "the data was deleted by a plain stop");

        home.run("start", "p").assertOk();
        assertEquals("kept", read("p", null), "the data did not survive the second restart");
    }

    @Test
    void the_settings_file_is_private_and_survives_stop() throws Exception {
        home.run("start", "p", "--persist", "--password", "s3cret", "--maxmemory", "64mb").assertOk();
        Path settings = home.instanceDir("p").resolve("settings.json");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(settings)));
        home.run("stop", "p").assertOk();
        assertTrue(Files.isRegularFile(settings), "settings removed by stop");

        // no --password: the recorded one is used, and maxmemory too
        home.run("start", "p").assertOk();
        try (Jedis jedis = new Jedis("127.0.0.1", home.port("p"))) {
            jedis.auth("s3cret");
            assertEquals(String.valueOf(64L * 1024 * 1024), jedis.configGet("maxmemory").get("maxmemory"));
        }
    }

    @Test
    void run_reuses_the_recorded_settings_and_keeps_the_data() throws Exception {
        home.run("start", "p", "--persist", "--password", "s3cret").assertOk();
        write("p", "s3cret");
        home.run("stop", "p").assertOk();

        home.run("run", "--with", "p", "--", "sh", "-c", "echo \"$REDIS_P_URL\" > url.txt").assertOk();
        assertTrue(Files.readString(home.workDir().resolve("url.txt")).contains(":s3cret@"), "run did not use the recorded password");
        assertFalse(home.hasState("p"), "run left the instance running");

        home.run("start", "p").assertOk();
        assertEquals("kept", read("p", "s3cret"), "run's stop deleted the data");
    }

    @Test
    void a_start_that_contradicts_what_binds_the_data_is_refused_with_the_way_out() {
        home.run("start", "p", "--persist", "--password", "first").assertOk();
        write("p", "first");
        home.run("stop", "p").assertOk();

        CliResult password = home.run("start", "p", "--password", "second").assertExit(2);
        assertTrue(password.err().contains("--purge"), password.toString());
        CliResult cluster = home.run("start", "p", "--cluster", "3").assertExit(2);
        assertTrue(cluster.err().contains("standalone"), cluster.toString());
        assertFalse(home.hasState("p"));

        home.run("stop", "p", "--purge").assertOk();
        assertFalse(Files.exists(home.instanceDir("p")), "--purge left the folder");
        home.run("start", "p", "--password", "second").assertOk();
    }

    @Test
    void an_instance_of_an_older_cachectl_without_settings_keeps_persisting() throws Exception {
        home.run("start", "p", "--persist").assertOk();
        write("p", null);
        Path settings = home.instanceDir("p").resolve("settings.json");
        // an older cachectl recorded persistence only in the state file; here its server crashed
        Files.delete(settings);
        dev.cachectl.testing.Processes.killAndWait(home.pid("p"));
        home.run("start", "p").assertOk();
        home.run("stop", "p").assertOk();
        assertTrue(Files.isDirectory(home.instanceDir("p").resolve("data")), "the data was deleted");

        // and a folder it kept, stopped, with no settings at all
        Files.delete(settings);
        home.run("start", "p").assertOk();
        home.run("stop", "p").assertOk();
        home.run("start", "p").assertOk();
        assertEquals("kept", read("p", null));
    }

    private void write(String name, String password) {
        try (Jedis jedis = new Jedis("127.0.0.1", home.port(name))) {
            if (password != null) {
                jedis.auth(password);
            }
            jedis.set("k", "kept");
        }
    }

    private String read(String name, String password) {
        try (Jedis jedis = new Jedis("127.0.0.1", home.port(name))) {
            if (password != null) {
                jedis.auth(password);
            }
            return jedis.get("k");
        }
    }
}
