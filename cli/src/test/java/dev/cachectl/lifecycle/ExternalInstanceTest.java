package dev.cachectl.lifecycle;

import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import dev.cachectl.testing.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An instance named by a URL is only talked to: start checks it answers, stop refuses, status reports it. */
class ExternalInstanceTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void start_of_an_external_instance_checks_it_answers_and_starts_nothing() {
        home.run("start", "backing").assertOk();
        int port = home.port("backing");
        long backingPid = home.pid("backing");
        home.env().put("REDIS_URL", "redis://127.0.0.1:" + port);

        CliResult start = home.run("start").assertOk();
        assertEquals("redis://127.0.0.1:" + port, start.out().trim());
        assertTrue(start.err().contains("'default' is external") && start.err().contains("nothing started"), start.toString());
        assertFalse(Files.exists(home.instanceDir("default")), "start created an instance dir for an external instance");

        CliResult stop = home.run("stop", "default").assertExit(2);
        assertTrue(stop.err().contains("external"), stop.toString());
        assertTrue(Processes.alive(backingPid), "stop of the external name stopped the server behind it");
        assertTrue(home.hasState("backing"));
    }

    @Test
    void a_url_variable_over_a_managed_entry_of_the_config_says_its_settings_are_ignored() throws java.io.IOException {
        home.run("start", "backing").assertOk();
        int port = home.port("backing");
        java.nio.file.Path config = Files.writeString(home.workDir().resolve("cachectl.yaml"),
                "instances:\n  a:\n    port: auto\n    maxmemory: 10mb\n  b: {}\n");
        home.env().put("REDIS_A_URL", "redis://127.0.0.1:" + port);
        home.env().put("REDIS_B_URL", "redis://127.0.0.1:" + port);

        CliResult start = home.run("start", "a").assertOk();
        assertTrue(start.err().contains("a: REDIS_A_URL names a server cachectl does not start, so the port, maxmemory that "
                + config + " gives 'a' are ignored"), start.toString());
        assertFalse(Files.exists(home.instanceDir("a")), "start created an instance dir for an external instance");
        // nothing set for starting a server: nothing to warn about
        CliResult plain = home.run("start", "b").assertOk();
        assertFalse(plain.err().contains("ignored"), plain.toString());
    }

    @Test
    void status_of_an_external_url_nobody_listens_on_exits_3() {
        int port = Processes.freePort();
        CliResult byUrl = home.run("status", "redis://127.0.0.1:" + port).assertExit(3);
        assertTrue(byUrl.out().contains("down"), byUrl.toString());

        home.env().put("REDIS_URL", "redis://127.0.0.1:" + port);
        CliResult byEnv = home.run("status", "default").assertExit(3);
        assertTrue(byEnv.out().contains("down"), byEnv.toString());
        assertFalse(Files.exists(home.instanceDir("default")));
    }

    @Test
    void a_malformed_url_in_the_environment_or_the_config_names_where_it_came_from() throws java.io.IOException {
        home.env().put("REDIS_FOO_URL", "garbage");
        CliResult env = home.run("status", "foo").assertExit(2);
        assertTrue(env.err().startsWith("cachectl: REDIS_FOO_URL: instance 'foo': unsupported URL scheme"), env.toString());

        java.nio.file.Files.writeString(home.workDir().resolve("cachectl.yaml"),
                "instances:\n  bar: { url: \"redis://127.0.0.1:notaport\" }\n");
        CliResult config = home.run("status", "bar").assertExit(2);
        assertTrue(config.err().contains("cachectl.yaml: instance 'bar': port 'notaport'"), config.toString());
    }

    @Test
    void start_of_an_external_url_with_a_wrong_password_says_authentication_failed() {
        home.run("start", "backing", "--password", "right-Pw-1").assertOk();
        home.env().put("REDIS_URL", "redis://:wrong-Pw-2@127.0.0.1:" + home.port("backing"));

        CliResult start = home.run("start").assertExit(2);
        assertTrue(start.err().contains("authentication failed"), start.toString());
        assertFalse(start.err().contains("wrong-Pw-2") || start.out().contains("wrong-Pw-2"), "password printed:\n" + start);
        assertFalse(Files.exists(home.instanceDir("default")));
    }
}
