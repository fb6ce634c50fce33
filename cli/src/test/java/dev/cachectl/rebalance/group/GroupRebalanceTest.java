package dev.cachectl.rebalance.group;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.cli.JsonSchemaTest;
import dev.cachectl.testing.Await;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CachectlProcess;
import dev.cachectl.testing.CliResult;
import dev.cachectl.testing.Processes;
import dev.cachectl.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code rebalance GROUP}: whole categories move off an instance past its threshold; pinned ones never do. */
class GroupRebalanceTest {
    static final String CONFIG = """
            instances:
              primary: { maxmemory: 10mb }
              secondary: { maxmemory: 10mb }
            groups:
              app:
                instances: [primary, secondary]
                threshold: 50%
            categories:
              auth:  { prefix: "auth:",  instance: primary, pin: true }
              order: { prefix: "order:", instance: primary }
              user:  { prefix: "user:",  instance: secondary }
            """;

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void a_group_past_its_threshold_moves_an_unpinned_category_and_warm_then_writes_where_it_lives() throws IOException {
        Files.writeString(home.workDir().resolve("cachectl.yaml"), CONFIG);
        home.run("start", "primary", "secondary").assertOk();
        String value = "v".repeat(1000);
        load(home.port("primary"), "auth:", 1200, value);
        load(home.port("primary"), "order:", 3000, value);
        load(home.port("primary"), "other:", 10, value);
        load(home.port("secondary"), "user:", 100, value);

        CliResult plan = home.run("rebalance", "app").assertOk();
        assertTrue(plan.out().contains("move order (3000 keys"), plan.toString());
        assertTrue(plan.out().contains("primary → secondary"), plan.toString());
        assertFalse(plan.out().contains("move auth"), "a pinned category is never planned: " + plan);
        assertTrue(plan.out().contains("cachectl rebalance app --apply"), plan.toString());
        assertEquals(3000, count(home.port("primary"), "order:"), "a plan moves nothing");

        CliResult applied = home.run("rebalance", "app", "--apply").assertOk();
        assertTrue(applied.out().contains("completed, 3000 copied, 3000 deleted from primary"), applied.toString());
        assertEquals(0, count(home.port("primary"), "order:"), applied.toString());
        assertEquals(3000, count(home.port("secondary"), "order:"));
        assertEquals(1200, count(home.port("primary"), "auth:"), "the pinned category stays");
        assertEquals(10, count(home.port("primary"), "other:"), "keys of no category stay");
        assertEquals(100, count(home.port("secondary"), "user:"));

        Path layout = home.root().resolve("groups/app.json");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(layout)));
        JsonNode recorded = Json.MAPPER.readTree(layout.toFile());
        assertEquals("secondary", recorded.at("/categories/order").asText(), recorded.toString());
        assertTrue(recorded.get("moving").isEmpty(), "no move left unfinished: " + recorded);

        Files.writeString(home.workDir().resolve("orders.jsonl"), "{\"id\":\"new\",\"v\":\"x\"}\n");
        home.run("warm", "orders.jsonl", "--category", "order", "--key", "{id}", "--value", "v").assertOk();
        try (Jedis secondary = new Jedis("127.0.0.1", home.port("secondary"));
             Jedis primary = new Jedis("127.0.0.1", home.port("primary"))) {
            assertEquals("x", secondary.get("order:new"), "warm --category writes where the category lives now");
            assertFalse(primary.exists("order:new"));
        }

        CliResult show = home.run("rebalance", "app", "--show").assertOk();
        assertTrue(show.out().matches("(?s).*order\\s+secondary\\s+order:\\*.*"), show.toString());
        assertTrue(show.out().matches("(?s).*auth\\s+primary\\s+auth:\\*\\s+\\(pinned\\).*"), show.toString());
        CliResult env = home.run("rebalance", "app", "--show", "--env").assertOk();
        assertTrue(env.out().contains("REDIS_ORDER_URL=redis://127.0.0.1:" + home.port("secondary") + "\n"), env.toString());
        assertTrue(env.out().contains("REDIS_AUTH_URL=redis://127.0.0.1:" + home.port("primary") + "\n"), env.toString());

        CliResult again = home.run("rebalance", "app", "--apply").assertOk();
        assertTrue(again.out().contains("nothing to move"), again.toString());
    }

    @Test
    void a_group_whose_only_big_category_is_pinned_stays_and_says_so() throws IOException {
        Files.writeString(home.workDir().resolve("cachectl.yaml"), CONFIG.replace("order: { prefix: \"order:\", instance: primary }",
                "order: { prefix: \"order:\", instance: primary, pin: true }"));
        home.run("start", "primary", "secondary").assertOk();
        load(home.port("primary"), "order:", 4500, "v".repeat(1000));

        CliResult r = home.run("rebalance", "app", "--apply").assertExit(4);

        assertFalse(r.out().contains("nothing to move"), "a group past its threshold is not balanced: " + r);
        assertTrue(r.out().contains("not balanced: primary is past the threshold"), r.toString());
        assertTrue(r.out().contains("nothing can move: every category on primary is pinned (order)"), r.toString());
        assertEquals(4500, count(home.port("primary"), "order:"));
        JsonNode json = JsonSchemaTest.valid("rebalance-group", home.run("--json", "rebalance", "app").assertExit(4));
        assertEquals("unbalanced", json.get("outcome").asText(), json.toString());
        assertEquals(4, json.get("exit_code").asInt(), json.toString());
        assertTrue(json.get("unbalanced_because").asText().contains("pinned"), json.toString());
    }

    @Test
    void moves_that_leave_an_instance_past_its_threshold_are_carried_out_and_the_run_is_partial() throws IOException {
        Files.writeString(home.workDir().resolve("cachectl.yaml"), CONFIG);
        home.run("start", "primary", "secondary").assertOk();
        // primary past 50% on its pinned auth keys alone; order can move, and is not enough
        load(home.port("primary"), "auth:", 4500, "v".repeat(1000));
        load(home.port("primary"), "order:", 500, "v".repeat(1000));

        CliResult plan = home.run("rebalance", "app").assertExit(4);
        assertTrue(plan.out().contains("move order (500 keys"), plan.toString());
        assertTrue(plan.out().contains("not balanced even after these moves: primary is past the threshold"), plan.toString());
        assertTrue(plan.out().contains("every category on primary is pinned (auth)"), plan.toString());
        assertEquals(500, count(home.port("primary"), "order:"), "a plan moves nothing");

        JsonNode json = JsonSchemaTest.valid("rebalance-group", home.run("--json", "rebalance", "app", "--apply").assertExit(4));
        assertEquals("completed", json.get("outcome").asText(), json.toString());
        assertEquals("completed", json.at("/moves/0/outcome").asText(), json.toString());
        assertTrue(json.get("unbalanced_because").asText().startsWith("primary is past the threshold"), json.toString());
        assertEquals(0, count(home.port("primary"), "order:"));
        assertEquals(500, count(home.port("secondary"), "order:"));

        CliResult after = home.run("rebalance", "app", "--apply").assertExit(4);
        assertTrue(after.out().contains("not balanced: primary is past the threshold"), "nothing left to move: " + after);
    }

    @Test
    void a_spread_past_the_tolerance_that_no_move_narrows_is_not_balanced() throws IOException {
        Files.writeString(home.workDir().resolve("cachectl.yaml"), CONFIG.replace("threshold: 50%", "threshold: 80%"));
        home.run("start", "primary", "secondary").assertOk();
        // primary about 20% full (keys of no category), secondary about 50%: 30 points apart, past the 25%
        // tolerance; moving user over would leave primary fuller than secondary is now
        load(home.port("primary"), "other:", 1000, "v".repeat(1000));
        load(home.port("secondary"), "user:", 3800, "v".repeat(1000));

        CliResult r = home.run("rebalance", "app").assertExit(4);

        assertFalse(r.out().contains("within the tolerance"), r.toString());
        assertTrue(r.out().matches("(?s).*not balanced: secondary and primary are \\d+ points apart.*tolerance 25%.*"), r.toString());
        assertTrue(r.out().contains("user (") && r.out().contains("would leave primary at"), r.toString());
        JsonNode json = JsonSchemaTest.valid("rebalance-group", home.run("--json", "rebalance", "app").assertExit(4));
        assertEquals("unbalanced", json.get("outcome").asText(), json.toString());
    }

    @Test
    void a_move_that_did_not_finish_is_finished_first_even_when_the_group_is_balanced() throws IOException {
        Files.writeString(home.workDir().resolve("cachectl.yaml"), CONFIG);
        home.run("start", "primary", "secondary").assertOk();
        load(home.port("primary"), "order:a", 500, "v".repeat(100));
        load(home.port("secondary"), "order:b", 500, "v".repeat(100));
        Files.createDirectories(home.root().resolve("groups"));
        Files.writeString(home.root().resolve("groups/app.json"),
                "{\"group\":\"app\",\"categories\":{},\"moving\":{\"order\":{\"from\":\"primary\",\"to\":\"secondary\"}}}");

        CliResult plan = home.run("rebalance", "app").assertOk();
        assertTrue(plan.out().contains("move order (500 keys"), plan.toString());
        assertTrue(plan.err().contains("the move of order from primary to secondary did not finish; --apply finishes it first"),
                plan.toString());

        home.run("rebalance", "app", "--apply").assertOk();
        assertEquals(0, count(home.port("primary"), "order:"));
        assertEquals(1000, count(home.port("secondary"), "order:"));
        JsonNode recorded = Json.MAPPER.readTree(home.root().resolve("groups/app.json").toFile());
        assertEquals("secondary", recorded.at("/categories/order").asText(), recorded.toString());
        assertTrue(recorded.get("moving").isEmpty(), recorded.toString());
    }

    @Test
    void a_layout_that_cannot_be_written_stops_the_apply_before_any_key_moves_in_one_line() throws IOException {
        Files.writeString(home.workDir().resolve("cachectl.yaml"), CONFIG);
        home.run("start", "primary", "secondary").assertOk();
        load(home.port("primary"), "auth:", 1200, "v".repeat(1000));
        load(home.port("primary"), "order:", 3000, "v".repeat(1000));
        Path groups = Files.writeString(home.root().resolve("groups"), "a file where the layouts' folder goes");

        CliResult r = home.run("rebalance", "app", "--apply").assertExit(1);

        assertEquals(List.of("cachectl: cannot write rebalance lock " + groups.resolve("app.lock") + ": " + groups
                + " exists and is not a folder"), r.err().lines().toList(), r.toString());
        assertEquals(3000, count(home.port("primary"), "order:"), "a move whose layout cannot be recorded never starts");
        assertEquals(0, count(home.port("secondary"), "order:"));
        assertEquals("a file where the layouts' folder goes", Files.readString(groups));
    }

    @Test
    void a_second_apply_of_the_group_is_refused_with_exit_5_and_the_first_moves_each_key_once() throws Exception {
        Files.writeString(home.workDir().resolve("cachectl.yaml"), CONFIG);
        home.run("start", "primary", "secondary").assertOk();
        load(home.port("primary"), "auth:", 1200, "v".repeat(1000));
        load(home.port("primary"), "order:", 3000, "v".repeat(1000));
        String primaryPid = Long.toString(home.pid("primary"));
        Path lock = home.root().resolve("groups/app.lock");

        // the first run takes the lock, then waits for the stopped primary; stopped itself, it holds it while we look
        Processes.output("kill", "-STOP", primaryPid);
        CachectlProcess first;
        try {
            first = CachectlProcess.launch(home, "first.log", "rebalance", "app", "--apply", "--progress", "none");
            Await.until(Duration.ofSeconds(30), () -> "the first run took no lock: " + first.log(),
                    () -> Files.isRegularFile(lock) && Files.readString(lock).startsWith("pid "));
            first.signal("-STOP", false);
        } finally {
            Processes.output("kill", "-CONT", primaryPid);
        }

        CliResult refused = home.run("rebalance", "app", "--apply").assertExit(5);
        assertEquals(List.of("cachectl: another 'cachectl rebalance app --apply' holds the lock " + lock + " (pid " + first.pid()
                + ", since " + Files.readString(lock).trim().replaceFirst(".*, since ", "") + "); wait for it to finish"),
                refused.err().lines().toList(), refused.toString());
        home.run("rebalance", "app").assertOk(); // a plan moves nothing and needs no lock
        assertEquals(3000, count(home.port("primary"), "order:"), "a refused run moved keys");
        assertEquals(0, count(home.port("secondary"), "order:"), "a refused run moved keys");

        first.signal("-CONT", false);
        assertEquals(0, first.exitWithin(Duration.ofSeconds(60)), first.log());
        assertTrue(first.log().contains("completed, 3000 copied, 3000 deleted from primary"), first.log());
        assertEquals(0, count(home.port("primary"), "order:"));
        assertEquals(3000, count(home.port("secondary"), "order:"));
        assertFalse(Files.exists(lock), "the lock's file goes with its run");
        home.run("rebalance", "app", "--apply").assertOk();
    }

    @Test
    void verbose_adds_the_stack_trace_of_what_stopped_a_move_and_without_it_the_note_is_one_line() throws IOException {
        Files.writeString(home.workDir().resolve("cachectl.yaml"), CONFIG);
        home.run("start", "primary", "secondary").assertOk();
        load(home.port("primary"), "order:", 3000, "v".repeat(1000));
        try (Jedis primary = new Jedis("127.0.0.1", home.port("primary"))) {
            // the values the move reads in a batch are more than the source lets a client owe: it drops the connection
            primary.configSet("client-output-buffer-limit", "normal 64kb 64kb 0");
        }

        CliResult plain = home.run("rebalance", "app", "--apply").assertExit(4);
        List<String> stopped = plain.err().lines().filter(l -> l.contains("moving order from primary to secondary stopped"))
                .toList();
        assertEquals(1, stopped.size(), plain.toString());
        assertTrue(stopped.get(0).contains("lost the connection"), plain.toString());
        assertFalse(plain.err().contains("Exception"), plain.toString());
        assertFalse(plain.err().contains("\tat "), plain.toString());

        CliResult verbose = home.run("--verbose", "rebalance", "app", "--apply").assertExit(4);
        assertTrue(verbose.err().contains("moving order from primary to secondary stopped"), verbose.toString());
        assertTrue(verbose.err().contains("Exception"), verbose.toString());
        assertTrue(verbose.err().contains("\tat "), verbose.toString());
    }

    @Test
    void bad_input_is_a_usage_error() throws IOException {
        Files.writeString(home.workDir().resolve("cachectl.yaml"), CONFIG
                .replace("instances:\n", "instances:\n  grid: { cluster: 3x0 }\n")
                .replace("groups:\n", "groups:\n  mixed:\n    instances: [primary, grid]\n"));
        CliResult unknown = home.run("rebalance", "nope").assertExit(2);
        assertTrue(unknown.err().contains("'nope' is neither a cluster this home or config knows nor a URL")
                && unknown.err().contains("or a group from cachectl.yaml"), unknown.toString());
        CliResult slotsOption = home.run("rebalance", "app", "--drain", "127.0.0.1:1").assertExit(2);
        assertTrue(slotsOption.err().contains("--drain applies to a Redis Cluster; 'app' is a group"), slotsOption.toString());
        CliResult cluster = home.run("rebalance", "grid", "--tolerance", "10%").assertExit(2);
        assertTrue(cluster.err().contains("apply to a group of standalone instances; 'grid' is not a group"), cluster.toString());
        CliResult tolerance = home.run("rebalance", "app", "--tolerance", "150%").assertExit(2);
        assertTrue(tolerance.err().contains("--tolerance: '150%' is not a share"), tolerance.toString());
        CliResult mixed = home.run("rebalance", "mixed").assertExit(2);
        assertTrue(mixed.err().contains("'grid' is a Redis Cluster: a group holds standalone instances"), mixed.toString());
        CliResult env = home.run("rebalance", "app", "--env").assertExit(2);
        assertTrue(env.err().contains("--env goes with --show"), env.toString());
    }

    static void load(int port, String prefix, int n, String value) {
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            Pipeline p = jedis.pipelined();
            for (int i = 0; i < n; i++) {
                p.set(prefix + i, value);
            }
            p.sync();
        }
    }

    static long count(int port, String prefix) {
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            return jedis.keys(prefix + "*").size();
        }
    }
}
