package dev.cachectl.cli;

import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CachectlProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@code start} and {@code status} load in a JVM of their own ({@code -Xlog:class+load}), against
 * a real server: they stay off the costly machinery they do not need (issue 14, start-up). Each kept
 * out here was a measurable share of a run: the Jedis client and connection (command interfaces, reply
 * builders, handshake, the driver info read from the jar) for one INFO, the JDK's locale data for a {@code %.1f}, SecureRandom and the security
 * providers for a temporary file's name, the help layout, a {@code redis-server --version} per start, and the
 * proxy classes the JDK generates for annotations (picocli's model comes from {@code ModelTable}).
 */
class StartupClassesTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void status_of_a_running_instance_loads_no_jedis_client_no_locale_data_and_no_help_layout() throws Exception {
        home.run("start", "cache", "--port", "auto").assertOk();
        List<String> loaded = classesLoadedBy("status.log", "status", "cache");
        assertNotLoaded(loaded, "redis.clients.jedis.Jedis", "the full Jedis client, for one INFO");
        assertNotLoaded(loaded, "redis.clients.jedis.Connection", "a Jedis connection, for one INFO on a plain socket");
        assertNotLoaded(loaded, "java.text.DecimalFormatSymbols", "locale data, for the table's decimals");
        assertNotLoaded(loaded, "dev.cachectl.cli.HelpLayout", "the help layout, for a run that prints no help");
        assertNotLoaded(loaded, "java.lang.ProcessHandleImpl$Info", "the JDK's process info, which looks the user up, "
                + "for a start time and an executable /proc has");
        assertFalse(loaded.stream().anyMatch(l -> l.contains("__dynamic_proxy__")),
                "a proxy class generated for an annotation: the model is built from ModelTable, not from the annotations");
        assertTrue(loaded.stream().anyMatch(l -> l.contains(" dev.cachectl.cli.StatusCommand ")), "the log is status's");
    }

    @Test
    void status_and_stop_of_a_tls_instance_use_a_bare_connection_too() throws Exception {
        home.run("start", "secure", "--tls", "--port", "auto").assertOk();
        List<String> status = classesLoadedBy("tls-status.log", "status", "secure");
        assertNotLoaded(status, "redis.clients.jedis.Connection", "a Jedis connection, for one INFO over TLS");
        assertTrue(status.stream().anyMatch(l -> l.contains(" sun.security.ssl.SSLSocketImpl ")), "the INFO went over TLS");
        List<String> stop = classesLoadedBy("tls-stop.log", "stop", "secure");
        assertNotLoaded(stop, "redis.clients.jedis.Jedis", "a Jedis client, for one INFO and a SHUTDOWN over TLS");
        assertNotLoaded(stop, "redis.clients.jedis.Connection", "a Jedis connection, for one INFO and a SHUTDOWN over TLS");
        assertTrue(home.run("status", "secure", "--json").out().contains("\"up\" : false"), "the server stopped");
    }

    @Test
    void start_loads_no_jedis_client_and_no_secure_random_and_probes_the_binary_once() throws Exception {
        home.run("start", "first", "--port", "auto").assertOk();
        Path versions = home.root().resolve("bin/redis-versions");
        assertTrue(Files.isRegularFile(versions), "the first start remembers the binary's version");
        List<String> loaded = classesLoadedBy("start.log", "start", "second", "--port", "auto");
        assertNotLoaded(loaded, "redis.clients.jedis.Jedis", "the full Jedis client, to wait for the server's INFO");
        assertNotLoaded(loaded, "redis.clients.jedis.Connection", "a Jedis connection, to wait for the server's INFO");
        assertNotLoaded(loaded, "java.security.SecureRandom", "SecureRandom, for names of temporary and lock files");
        assertNotLoaded(loaded, "dev.cachectl.util.ChildProcess", "a 'redis-server --version' for a binary probed before");
        assertFalse(loaded.stream().anyMatch(l -> l.contains("__dynamic_proxy__")), "a proxy class generated for an annotation");
        assertTrue(home.run("status", "second", "--json").assertOk().out().contains("\"version\" : \""),
                "the second instance has its version all the same");
    }

    @Test
    void warm_checks_and_writes_to_a_plain_server_without_a_jedis_connection() throws Exception {
        home.run("start", "cache", "--port", "auto").assertOk();
        Files.writeString(home.workDir().resolve("records.jsonl"), "{\"id\":1,\"v\":\"a\"}\n{\"id\":2,\"v\":\"b\"}\n");
        List<String> loaded = classesLoadedBy("warm.log", "warm", "records.jsonl", "--to", "cache", "--key", "k:{id}",
                "--value", "v", "--progress", "none");
        assertNotLoaded(loaded, "redis.clients.jedis.Connection", "a Jedis connection, for a PING and a pipeline on a plain socket");
        assertNotLoaded(loaded, "redis.clients.jedis.JedisMetaInfo", "Jedis's driver info, read from a resource of the jar");
        assertNotLoaded(loaded, "java.security.MessageDigest", "SHA-1 and the security providers, for a script only hashes with --nx use");
        assertTrue(home.run("status", "cache", "--json").assertOk().out().contains("\"keys\" : 2"), "the records are written");
    }

    @Test
    void stop_asks_a_plain_server_to_shut_down_without_a_jedis_client() throws Exception {
        home.run("start", "cache", "--port", "auto").assertOk();
        long pid = Long.parseLong(home.run("status", "cache", "--json").assertOk().out()
                .replaceAll("(?s).*\"pid\" : (\\d+).*", "$1"));
        List<String> loaded = classesLoadedBy("stop.log", "stop", "cache");
        assertNotLoaded(loaded, "redis.clients.jedis.Jedis", "a Jedis client, for one INFO and a SHUTDOWN");
        assertNotLoaded(loaded, "redis.clients.jedis.JedisMetaInfo", "Jedis's driver info, read from a resource of the jar");
        // gone, or a zombie that nobody reaps in a container
        assertFalse(ProcessHandle.of(pid).map(dev.cachectl.lifecycle.ProcessIdentity::running).orElse(false), "the server is gone");
    }

    @Test
    void a_replaced_binary_is_probed_again() throws Exception {
        Path bin = Files.createDirectories(home.workDir().resolve("bin"));
        Path real = java.util.Arrays.stream(System.getenv("PATH").split(":")).map(d -> Path.of(d, "redis-server"))
                .filter(Files::isExecutable).findFirst().orElseThrow();
        Path wrapper = bin.resolve("redis-server");
        Files.writeString(wrapper, "#!/bin/sh\nif [ \"$1\" = --version ]; then echo 'Redis server v=1.2.3 sha=0'; exit 0; fi\nexec "
                + real + " \"$@\"\n");
        wrapper.toFile().setExecutable(true);
        home.run("start", "one", "--port", "auto", "--binary", wrapper.toString()).assertOk();
        assertTrue(Files.readString(home.root().resolve("bin/redis-versions")).contains("\t1.2.3\t" + wrapper),
                "the probed version is remembered");
        // the same size, another modification time: another binary
        Files.writeString(wrapper, Files.readString(wrapper).replace("1.2.3", "4.5.6"));
        Files.setLastModifiedTime(wrapper, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        home.run("start", "two", "--port", "auto", "--binary", wrapper.toString()).assertOk();
        String remembered = Files.readString(home.root().resolve("bin/redis-versions"));
        assertTrue(remembered.contains("\t4.5.6\t" + wrapper) && !remembered.contains("1.2.3"), remembered);
    }

    private List<String> classesLoadedBy(String logName, String... args) throws IOException, InterruptedException {
        Path classes = home.workDir().resolve(logName + ".classes");
        CachectlProcess run = CachectlProcess.launch(home, logName, List.of("-Xlog:class+load:file=" + classes), args);
        assertEquals(0, run.exitWithin(Duration.ofSeconds(60)), run.log());
        return Files.readAllLines(classes);
    }

    private static void assertNotLoaded(List<String> loaded, String className, String what) {
        assertFalse(loaded.stream().anyMatch(l -> l.contains(" " + className + " ") || l.contains(" " + className + "$")),
                "loaded " + className + ": " + what);
    }
}
