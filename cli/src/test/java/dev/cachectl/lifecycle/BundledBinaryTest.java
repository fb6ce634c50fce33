package dev.cachectl.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import dev.cachectl.util.Json;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** With no redis-server on PATH, cachectl runs the one the jar bundles, extracted into the home and checked by SHA-256. */
class BundledBinaryTest {
    private static final String RESOURCE = "redis-server-6.2.6-v5-linux-amd64";

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    private Path binary;
    private Path marker;

    @BeforeEach
    void pathWithoutRedis() throws IOException {
        assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux")
                && System.getProperty("os.arch").matches("amd64|x86_64"), "the bundled binary checked here is linux-amd64");
        // an empty directory: setsid is found by absolute path, so nothing else is needed on PATH
        Path emptyBin = Files.createDirectory(home.workDir().resolve("empty-bin"));
        home.env().put("PATH", emptyBin.toString());
        binary = home.root().resolve("bin").resolve(RESOURCE);
        marker = home.root().resolve("bin").resolve(RESOURCE + ".sha256");
    }

    @Test
    void start_without_redis_on_path_runs_the_bundled_binary() throws Exception {
        String url = home.run("start", "emb").assertOk().out().trim();
        assertEquals("redis://127.0.0.1:" + home.port("emb"), url);
        assertBundledServerAnswers("emb");
        assertTrue(Files.isRegularFile(binary) && Files.isExecutable(binary), "binary not extracted to " + binary);
        assertEquals(sha256OfResource(), sha256(binary));
        assertEquals(sha256OfResource(), recordedChecksum());
    }

    @Test
    void damaged_extracted_binary_is_extracted_again() throws Exception {
        home.run("start", "first").assertOk();
        // a running executable cannot be opened for writing (ETXTBSY): damage it once its server is gone
        home.run("stop", "first").assertOk();
        try (FileChannel ch = FileChannel.open(binary, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[4096]), 8192);
        }
        assertNotEquals(recordedChecksum(), sha256(binary), "the damage did not change the file");

        home.run("start", "second").assertOk();
        assertEquals(recordedChecksum(), sha256(binary), "the damaged binary was not replaced");
        assertEquals(sha256OfResource(), sha256(binary));
        assertBundledServerAnswers("second");
    }

    @Test
    void a_binary_that_cannot_be_extracted_is_one_line_and_exit_1() throws Exception {
        Path bin = Files.writeString(home.root().resolve("bin"), "a file where the binaries' folder goes");
        CliResult result = home.run("start", "emb").assertExit(1);
        assertEquals(List.of("cachectl: cannot write bundled redis-server " + binary + ": " + bin + " exists and is not a folder"),
                result.err().lines().toList(), result.toString());
        assertFalse(home.hasState("emb"), "a failed start leaves no state");
    }

    @Test
    void a_marker_that_cannot_be_written_does_not_stop_the_start() throws Exception {
        Files.createFile(Files.createDirectories(marker).resolve("in-the-way")); // a folder that is not empty in its place
        home.run("start", "emb").assertOk();
        assertBundledServerAnswers("emb");
        assertEquals(sha256OfResource(), sha256(binary));
        try (Stream<Path> left = Files.list(binary.getParent())) {
            assertEquals(List.of(), left.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList(),
                    "a temporary file was left behind");
        }
    }

    private void assertBundledServerAnswers(String name) throws Exception {
        JsonNode status = Json.MAPPER.readTree(home.run("status", name, "--json").assertOk().out()).get("instances").get(0);
        assertEquals("embedded", status.get("binary_source").asText(), status.toString());
        assertTrue(status.get("version").asText().startsWith("6.2."), status.toString());
        assertEquals(binary.toString(), status.get("binary").asText(), status.toString());
        try (Jedis jedis = new Jedis("127.0.0.1", home.port(name))) {
            assertTrue(jedis.info("server").contains("redis_version:6.2."), "not the bundled server");
        }
    }

    private String recordedChecksum() throws IOException {
        return Files.readString(marker, StandardCharsets.UTF_8).trim().split("\\s+")[0];
    }

    private static String sha256(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return sha256(in);
        }
    }

    private static String sha256OfResource() throws Exception {
        try (InputStream in = BundledBinaryTest.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            assertTrue(in != null, RESOURCE + " is not on the classpath");
            return sha256(in);
        }
    }

    private static String sha256(InputStream in) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) > 0; ) {
            md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
