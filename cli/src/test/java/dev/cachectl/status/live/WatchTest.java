package dev.cachectl.status.live;

import dev.cachectl.testing.Await;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CachectlProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WatchTest {

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void off_a_terminal_watch_logs_a_line_per_instance_per_interval_and_stops_on_sigterm() throws Exception {
        home.run("start", "cache").assertOk();
        CachectlProcess watch = CachectlProcess.launch(home, "watch.log", "status", "cache", "never", "--watch",
                "--interval", "200ms");
        try {
            Await.until(Duration.ofSeconds(30), watch::log, () -> lines(watch, "instance=cache").size() >= 3);
            String first = lines(watch, "instance=cache").get(0);
            assertTrue(first.matches("time=\\S+ instance=cache state=up memory_bytes=[0-9]+ keys=0 .*clients=0"), first);
            assertTrue(lines(watch, "instance=cache").get(2).contains(" ops_per_sec="), watch.log());
            assertTrue(lines(watch, "instance=never state=down").size() >= 3, watch.log());

            watch.signal("-TERM", false);
            assertEquals(0, watch.exitWithin(Duration.ofSeconds(20)), watch.log());
        } finally {
            watch.process().destroyForcibly();
        }
    }

    @Test
    void without_names_each_sample_lists_the_instances_there_are_then_new_ones_in_stopped_ones_out() throws Exception {
        home.run("start", "cache").assertOk();
        CachectlProcess watch = CachectlProcess.launch(home, "every.log", "status", "--watch", "--interval", "200ms");
        try {
            Await.until(Duration.ofSeconds(30), watch::log, () -> lines(watch, "instance=cache state=up").size() >= 2);
            home.run("start", "later").assertOk();
            Await.until(Duration.ofSeconds(30), watch::log, () -> lines(watch, "instance=later state=up").size() >= 2);
            home.run("stop", "cache").assertOk();
            // plain status no longer lists it: samples go on with 'later' alone
            Await.until(Duration.ofSeconds(30), watch::log, () -> {
                List<String> all = watch.log().lines().toList();
                int lastCache = 0;
                for (int i = 0; i < all.size(); i++) {
                    lastCache = all.get(i).contains("instance=cache ") ? i : lastCache;
                }
                return all.subList(lastCache, all.size()).stream().filter(l -> l.contains("instance=later state=up")).count() >= 3;
            });
            watch.signal("-TERM", false);
            assertEquals(0, watch.exitWithin(Duration.ofSeconds(20)), watch.log());
        } finally {
            watch.process().destroyForcibly();
            home.run("stop", "--all");
        }
    }

    @Test
    void an_instance_added_to_the_config_file_during_a_watch_shows_and_a_file_saved_half_way_changes_nothing() throws Exception {
        home.run("start", "cache", "--port", "auto").assertOk();
        Path config = home.workDir().resolve("cachectl.yaml");
        CachectlProcess watch = CachectlProcess.launch(home, "edits.log", "status", "--watch", "--interval", "200ms");
        try {
            Await.until(Duration.ofSeconds(30), watch::log, () -> lines(watch, "instance=cache state=up").size() >= 2);
            Files.writeString(config, "instances:\n  elsewhere: { url: \"redis://127.0.0.1:" + home.port("cache") + "\" }\n");
            Await.until(Duration.ofSeconds(30), watch::log, () -> lines(watch, "instance=elsewhere state=up").size() >= 2);
            Files.writeString(config, "instances:\n  elsewhere: { url: \"redis://127.0.0.1:");
            int before = watch.log().lines().toList().size();
            Await.until(Duration.ofSeconds(30), watch::log, () -> watch.log().lines().skip(before)
                    .filter(l -> l.contains("instance=elsewhere state=up")).count() >= 3);
            assertEquals(1, watch.log().lines().filter(l -> l.contains("the watch goes on with the config as read before")).count(),
                    "the unreadable file is told once: " + watch.log());
            watch.signal("-TERM", false);
            assertEquals(0, watch.exitWithin(Duration.ofSeconds(20)), watch.log());
        } finally {
            watch.process().destroyForcibly();
            home.run("stop", "--all");
        }
    }

    @Test
    void a_named_instance_started_again_on_another_port_is_followed_there() throws Exception {
        home.run("start", "cache", "--port", "auto").assertOk();
        int first = home.port("cache");
        CachectlProcess watch = CachectlProcess.launch(home, "named.log", "status", "cache", "--watch", "--interval", "200ms");
        try {
            Await.until(Duration.ofSeconds(30), watch::log, () -> lines(watch, "instance=cache state=up").size() >= 2);
            home.run("stop", "cache").assertOk();
            home.run("start", "cache", "--port", "auto").assertOk();
            int second = home.port("cache");
            assertNotEquals(first, second, "the same port again: nothing to follow");
            int before = watch.log().lines().toList().size();
            Await.until(Duration.ofSeconds(30), watch::log, () -> watch.log().lines().skip(before)
                    .filter(l -> l.contains("instance=cache state=up")).count() >= 2);
            watch.signal("-TERM", false);
            assertEquals(0, watch.exitWithin(Duration.ofSeconds(20)), watch.log());
        } finally {
            watch.process().destroyForcibly();
            home.run("stop", "--all");
        }
    }

    @Test
    void on_a_terminal_watch_draws_full_screen_sorts_on_s_and_quits_on_q() throws Exception {
        home.run("start", "cache").assertOk();
        CachectlProcess watch = CachectlProcess.launchOnTerminal(home, "screen.log", "status", "--watch",
                "--interval", "300ms");
        try {
            Await.until(Duration.ofSeconds(30), watch::log, () -> watch.log().contains("sorted by name"));
            String drawn = watch.log();
            assertTrue(drawn.contains("\u001b[?1049h"), "the alternate screen was not entered: " + drawn);
            // the display redraws only what changed, so words may be split by cursor moves: the row's name is enough
            assertTrue(drawn.contains("cache "), drawn);

            watch.type("s");
            Await.until(Duration.ofSeconds(10), watch::log, () -> watch.log().contains("sorted by memory"));
            watch.type("q");
            assertEquals(0, watch.exitWithin(Duration.ofSeconds(20)), watch.log());
            String all = watch.log();
            assertTrue(all.lastIndexOf("\u001b[?1049l") > all.lastIndexOf("sorted by"),
                    "the screen was not restored on exit: " + all);
        } finally {
            watch.process().destroyForcibly();
        }
    }

    @Test
    void on_a_terminal_ctrl_c_ends_the_watch_and_restores_the_screen() throws Exception {
        CachectlProcess watch = CachectlProcess.launchOnTerminal(home, "ctrl-c.log", "status", "never", "--watch",
                "--interval", "300ms");
        try {
            Await.until(Duration.ofSeconds(30), watch::log, () -> watch.log().contains("sorted by name"));
            watch.type("\u0003");
            assertEquals(0, watch.exitWithin(Duration.ofSeconds(20)), watch.log());
            String all = watch.log();
            assertTrue(all.lastIndexOf("\u001b[?1049l") > all.lastIndexOf("sorted by"), "the screen was not restored: " + all);
        } finally {
            watch.process().destroyForcibly();
        }
    }

    private static List<String> lines(CachectlProcess p, String containing) {
        return p.log().lines().filter(l -> l.contains(containing)).toList();
    }
}
