package dev.cachectl.lifecycle;

import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** stop of a name nobody knows is a usage error; the home keeps no file for every name ever tried, and its files are private. */
class HomeHygieneTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void stop_of_an_unknown_name_is_exit_2() throws IOException {
        CliResult nosuch = home.run("stop", "nosuch").assertExit(2);
        assertTrue(nosuch.err().contains("no instance 'nosuch'"), nosuch.toString());
        home.run("stop").assertExit(2);

        // configured but never started, and started then stopped with data kept: both are known
        Files.writeString(home.workDir().resolve("cachectl.yaml"), "instances:\n  cfg:\n    maxmemory: 64mb\n");
        home.run("stop", "cfg").assertOk();
        home.run("start", "kept", "--persist").assertOk();
        home.run("stop", "kept").assertOk();
        CliResult again = home.run("stop", "kept").assertOk();
        assertTrue(again.out().contains("kept was not running"), again.toString());
    }

    @Test
    void lock_files_do_not_pile_up_for_every_name_tried() throws IOException {
        for (String name : List.of("a", "b", "c")) {
            home.run("start", name).assertOk();
            home.run("stop", name).assertOk();
        }
        home.run("stop", "never").assertExit(2);
        try (Stream<Path> locks = Files.list(home.root().resolve("locks"))) {
            List<String> left = locks.map(p -> p.getFileName().toString()).toList();
            assertTrue(left.isEmpty(), "lock files left: " + left);
        }
    }

    @Test
    void what_a_server_writes_in_its_folder_is_private() throws IOException {
        home.run("start", "saved", "--persist").assertOk();
        try (redis.clients.jedis.Jedis jedis = new redis.clients.jedis.Jedis("127.0.0.1", home.port("saved"))) {
            jedis.set("k", "v");
            jedis.save();
        }
        home.run("stop", "saved").assertOk();
        List<String> open = new java.util.ArrayList<>();
        try (Stream<Path> files = Files.walk(home.instanceDir("saved"))) {
            files.forEach(p -> {
                try {
                    String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
                    if (!mode.endsWith("------")) {
                        open.add(home.instanceDir("saved").relativize(p) + " " + mode);
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
        assertTrue(open.isEmpty(), "readable by others: " + open);
        assertTrue(Files.exists(home.instanceDir("saved").resolve("data/dump.rdb")), "the test saw no RDB");
    }

    @Test
    void the_jar_copied_for_the_supervisor_is_private() throws IOException {
        Path jar = home.workDir().resolve("cachectl.jar");
        Files.writeString(jar, "not really a jar");
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
        Path copy = Supervisor.copyJar(jar, home.root().resolve("bin"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(copy)));
    }
}
