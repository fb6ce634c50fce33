package dev.cachectl.redis.copy;

import dev.cachectl.testing.Await;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CachectlProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A big key copied in chunks through a temporary key, interrupted part way: nothing of it is left on the target. */
class MigrateBigKeyInterruptTest {
    private static final int ELEMENTS = 4_000_000;

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    /** A big list and a few small keys on src; a run copying the list in chunks, caught while its temporary key exists. */
    private CachectlProcess runCaughtInTheBigKey(Jedis dst) throws Exception {
        try (Jedis src = new Jedis("127.0.0.1", home.port("src"))) {
            // in parts: one script of a million pushes outlasts a read timeout on a loaded machine
            for (int from = 1; from <= ELEMENTS; from += 50_000) {
                src.eval("for i = " + from + ", " + (from + 49_999) + " do redis.call('rpush', 'big', 'element:' .. i) end", 0);
            }
            src.set("small", "1");
        }
        CachectlProcess run = CachectlProcess.launch(home, "migrate.log", "migrate", "src", "dst", "--reader", "scan",
                "--big-key-elements", "100", "--progress", "none");
        Await.until(Duration.ofSeconds(60), () -> "no temporary key appeared: " + run.log(), () -> {
            assertTrue(run.process().isAlive(), () -> "migrate ended before its big key was under way: " + run.log());
            return !temporaryKeys(dst).isEmpty() && home.migrateCheckpoint("") != null;
        });
        return run;
    }

    private static List<String> temporaryKeys(Jedis dst) {
        return dst.scan(ScanParams.SCAN_POINTER_START, new ScanParams().match("*cachectl:tmp:*").count(1000)).getResult();
    }

    @Test
    void ctrl_c_in_a_big_key_stops_at_once_removes_its_temporary_key_and_resume_copies_the_key() throws Exception {
        home.run("start", "src", "dst").assertOk();
        try (Jedis dst = new Jedis("127.0.0.1", home.port("dst"))) {
            CachectlProcess run = runCaughtInTheBigKey(dst);
            run.signal("-INT", false);
            assertEquals(130, run.exitWithin(Duration.ofSeconds(20)), run.log());
            assertTrue(run.log().contains("checkpoint saved"), run.log());
            assertEquals(List.of(), temporaryKeys(dst), run.log());
            // it gave the key up rather than finish it first
            assertFalse(dst.exists("big"), run.log());
            home.run("migrate", "src", "dst", "--resume", "--big-key-elements", "100").assertOk();
            assertEquals(ELEMENTS, dst.llen("big"));
            assertEquals("element:" + ELEMENTS, dst.lindex("big", -1));
            assertEquals(List.of(), temporaryKeys(dst));
        }
    }

    @Test
    void kill_9_in_a_big_key_leaves_a_leased_temporary_key_that_the_resume_removes() throws Exception {
        home.run("start", "src", "dst").assertOk();
        try (Jedis dst = new Jedis("127.0.0.1", home.port("dst"))) {
            CachectlProcess run = runCaughtInTheBigKey(dst);
            run.process().destroyForcibly();
            run.exitWithin(Duration.ofSeconds(10));
            List<String> left = temporaryKeys(dst);
            assertEquals(1, left.size(), left::toString);
            long ttl = dst.pttl(left.get(0));
            assertTrue(ttl > 0, "the temporary key has no lease: " + ttl);
            String resumed = home.run("migrate", "src", "dst", "--resume", "--big-key-elements", "100").assertOk().toString();
            assertEquals(List.of(), temporaryKeys(dst), resumed);
            assertEquals(ELEMENTS, dst.llen("big"));
        }
    }
}
