package dev.cachectl.warm;

import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Warm jobs and key categories from cachectl.yaml. */
class WarmJobsTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void a_category_ttl_that_is_wrong_is_named_as_the_categorys_with_its_file() throws IOException {
        Path conf = Files.writeString(home.workDir().resolve("cachectl.yaml"), """
                categories:
                  hot:
                    prefix: "hot:"
                    ttl: soon
                  spread:
                    prefix: "s:"
                    ttl: 1m
                    ttl-jitter: 2m
                """);
        Files.writeString(home.workDir().resolve("in.jsonl"), "{\"id\": 1}\n");
        home.run("start", "t").assertOk();

        CliResult ttl = home.run("warm", "in.jsonl", "--to", "t", "--category", "hot", "--key", "{id}").assertExit(2);
        assertTrue(ttl.err().contains("the ttl of category 'hot' (" + conf + ") 'soon': "), ttl.toString());
        assertFalse(ttl.err().contains("--ttl"), ttl.toString());
        CliResult jitter = home.run("warm", "in.jsonl", "--to", "t", "--category", "spread", "--key", "{id}").assertExit(2);
        assertTrue(jitter.err().contains("the ttl-jitter of category 'spread' (" + conf + ") 2m is not shorter than the TTL 1m"),
                jitter.toString());
        // a flag typed is still named as the flag
        CliResult flag = home.run("warm", "in.jsonl", "--to", "t", "--category", "hot", "--key", "{id}", "--ttl", "later").assertExit(2);
        assertTrue(flag.err().contains("--ttl 'later': "), flag.toString());
    }

    @Test
    void a_job_takes_source_mapping_and_target_from_the_config_and_flags_override_it() throws IOException {
        Path conf = Files.createDirectories(home.workDir().resolve("conf"));
        Files.writeString(conf.resolve("users.csv"), "id,name\n1,Ann\n2,Bob\n");
        Files.writeString(conf.resolve("cachectl.yaml"), """
                instances:
                  sessions: {}
                categories:
                  user:
                    prefix: "user:"
                    instance: sessions
                    ttl: 1h
                    ttl-jitter: 5%
                jobs:
                  users:
                    source: users.csv
                    category: user
                    key: "{id}"
                    value: name
                """);
        home.run("start", "sessions").assertOk();

        // run from elsewhere, as cron does: the job's relative source is read next to its config file
        CliResult r = home.run("--config", "conf/cachectl.yaml", "warm", "--job", "users").assertOk();

        assertTrue(r.err().contains("warm users.csv → sessions: read 2, written 2"), r.toString());
        try (Jedis redis = new Jedis("127.0.0.1", home.port("sessions"))) {
            assertEquals("Ann", redis.get("user:1"));
            long ttl = redis.ttl("user:2");
            assertTrue(ttl >= 3420 && ttl <= 3780, "category TTL 1h ± 5%: " + ttl);
        }

        home.run("--config", "conf/cachectl.yaml", "warm", "--job", "users", "--ttl", "10m").assertOk();
        try (Jedis redis = new Jedis("127.0.0.1", home.port("sessions"))) {
            long ttl = redis.ttl("user:1");
            assertTrue(ttl >= 570 && ttl <= 630, "--ttl overrides the category's: " + ttl);
        }
    }

    @Test
    void a_job_takes_its_lock_by_name_and_an_unknown_job_lists_the_known_ones() throws IOException {
        Files.writeString(home.workDir().resolve("u.jsonl"), "{\"id\":1}\n");
        Files.writeString(home.workDir().resolve("cachectl.yaml"), """
                jobs:
                  nightly:
                    source: u.jsonl
                    to: t
                    key: "u:{id}"
                    nx: true
                """);
        home.run("start", "t").assertOk();

        home.run("warm", "--job", "nightly").assertOk();
        assertTrue(Files.exists(home.root().resolve("locks/warm-nightly.lock")));

        CliResult unknown = home.run("warm", "--job", "weekly").assertExit(2);
        assertTrue(unknown.err().contains("no warm job 'weekly'") && unknown.err().contains("(known: nightly)"), unknown.toString());
    }

    @Test
    void a_wrong_value_in_a_job_is_named_as_the_jobs_setting_at_its_line_before_any_server_is_asked() throws IOException {
        Path conf = Files.writeString(home.workDir().resolve("cachectl.yaml"), """
                jobs:
                  j1:
                    source: u.jsonl
                    to: nothere
                    key: "{id}"
                    ttl: banana
                  j2:
                    to: nothere
                """);
        // 'nothere' is not running: the job's own mistake is found first, as cron finds it
        CliResult ttl = home.run("warm", "--job", "j1").assertExit(2);
        assertTrue(ttl.err().contains(conf + ", line 6, column 5: jobs.j1.ttl 'banana': 'banana' is not a duration"), ttl.toString());
        assertFalse(ttl.err().contains("--ttl"), ttl.toString());
        CliResult typed = home.run("warm", "--job", "j1", "--ttl", "later").assertExit(2);
        assertTrue(typed.err().contains("job 'j1': --ttl 'later': "), typed.toString());
        CliResult source = home.run("warm", "--job", "j2").assertExit(2);
        assertTrue(source.err().contains(conf + ", line 7, column 3: jobs.j2 has no source"), source.toString());
    }

    @Test
    void an_unknown_setting_in_a_job_is_named_with_its_place() throws IOException {
        Files.writeString(home.workDir().resolve("cachectl.yaml"), """
                jobs:
                  nightly:
                    source: u.jsonl
                    ttl-jiter: 10%
                """);
        CliResult r = home.run("warm", "--job", "nightly").assertExit(2);
        assertTrue(r.err().contains("unknown setting 'ttl-jiter'") && r.err().contains("jobs.nightly"), r.toString());
    }
}
