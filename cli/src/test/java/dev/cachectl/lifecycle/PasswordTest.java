package dev.cachectl.lifecycle;

import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import dev.cachectl.testing.Processes;
import dev.cachectl.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A managed instance's password works for clients and never shows: not in output, not on a command line, not in a readable file. */
class PasswordTest {
    private static final String PASSWORD = "s3cr3t-Pw";

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void password_is_required_by_the_server_and_never_printed() throws Exception {
        CliResult start = home.run("start", "sec", "--password", PASSWORD).assertOk();
        int port = home.port("sec");
        assertEquals("redis://:***@127.0.0.1:" + port, start.out().trim());
        assertNotLeaked("start", start);

        List<String> leaking = Processes.output("ps", "-eo", "args").lines().filter(l -> l.contains(PASSWORD)).toList();
        assertEquals(List.of(), leaking, "password visible in ps");

        CliResult text = home.run("status", "sec").assertOk();
        assertTrue(text.out().contains("redis://:***@127.0.0.1:" + port), text.toString());
        assertNotLeaked("status", text);
        CliResult json = home.run("status", "sec", "--json").assertOk();
        assertTrue(Json.MAPPER.readTree(json.out()).get("instances").get(0).get("up").asBoolean(), json.toString());
        assertNotLeaked("status --json", json);

        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            JedisDataException refused = assertThrows(JedisDataException.class, jedis::ping);
            assertTrue(refused.getMessage().startsWith("NOAUTH"), refused.getMessage());
        }
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            jedis.auth(PASSWORD);
            assertEquals("PONG", jedis.ping());
        }

        CliResult stop = home.run("stop", "sec").assertOk();
        assertTrue(stop.out().contains("stopped sec"), stop.toString());
        assertNotLeaked("stop", stop);
    }

    @Test
    void generated_password_is_shown_only_when_asked_and_works() {
        String url = home.run("start", "gen", "--generate-password", "--show-password").assertOk().out().trim();
        Matcher m = Pattern.compile("redis://:([0-9a-f]{16,})@127\\.0\\.0\\.1:(\\d+)").matcher(url);
        assertTrue(m.matches(), url);
        try (Jedis jedis = new Jedis(URI.create(url))) {
            assertEquals("PONG", jedis.ping());
        }
        String again = home.run("start", "gen").assertOk().out().trim();
        assertEquals("redis://:***@127.0.0.1:" + m.group(2), again);
    }

    @Test
    void instance_files_holding_the_password_are_private() throws Exception {
        home.run("start", "sec", "--password", PASSWORD).assertOk();
        Path dir = home.instanceDir("sec");
        assertEquals("rwx------", mode(dir));
        assertEquals("rw-------", mode(dir.resolve("redis.conf")));
        assertEquals("rw-------", mode(dir.resolve("state.json")));
        assertTrue(Files.readString(dir.resolve("redis.conf")).contains(PASSWORD), "password not in redis.conf");
    }

    private static String mode(Path p) throws java.io.IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static void assertNotLeaked(String what, CliResult result) {
        assertFalse(result.out().contains(PASSWORD) || result.err().contains(PASSWORD), what + " printed the password:\n" + result);
    }
}
