package dev.cachectl.redis.copy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.testing.Await;
import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import dev.cachectl.testing.Faults;
import dev.cachectl.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.args.ClientPauseMode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Expiries through a migrate: the scan reader gives each copy its source's absolute expiry, and
 * --verify does not call a key that expires while it looks a mismatch, nor the keys a target
 * reclaimed as expired a shortfall.
 */
class MigrateExpiryTest {
    /** Sets every key of the db to expire at ARGV[1] (unix ms), in one step. */
    private static final String EXPIRE_ALL =
            "for _, k in ipairs(redis.call('KEYS', '*')) do redis.call('PEXPIREAT', k, ARGV[1]) end";

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    private Jedis redis(String name) {
        return new Jedis("127.0.0.1", home.port(name));
    }

    @Test
    void the_scan_reader_gives_each_copy_the_same_absolute_expiry_as_its_source() {
        home.run("start", "src", "dst").assertOk();
        List<String> keys = withExpiries("src", 2000, System.currentTimeMillis() + 600_000);
        home.run("migrate", "src", "dst", "--reader", "scan").assertOk();
        try (Jedis src = redis("src"); Jedis dst = redis("dst")) {
            List<Long> at = expireTimes(src, keys);
            List<Long> copied = expireTimes(dst, keys);
            for (int i = 0; i < keys.size(); i++) {
                assertEquals(at.get(i), copied.get(i), keys.get(i) + " (" + (copied.get(i) - at.get(i)) + " ms)");
            }
        }
    }

    @Test
    void from_a_source_without_pexpiretime_a_copy_never_expires_before_its_source() throws Exception {
        home.run("start", "dst").assertOk();
        // with no redis-server on PATH, cachectl runs the 6.2 its jar bundles
        Path emptyBin = Files.createDirectory(home.workDir().resolve("empty-bin"));
        String path = home.env().put("PATH", emptyBin.toString());
        home.run("start", "src").assertOk();
        home.env().put("PATH", path);
        long expireAt = System.currentTimeMillis() + 600_000;
        List<String> keys;
        try (Jedis src = redis("src"); Jedis dst = redis("dst")) {
            assertTrue(src.info("server").contains("redis_version:6.2."), "the bundled server is 6.2");
            assumeTrue(dst.info("server").contains("redis_version:7."), "needs redis-server 7 on PATH");
            keys = withExpiries("src", 2000, expireAt);
        }
        home.run("migrate", "src", "dst", "--reader", "scan").assertOk();
        try (Jedis dst = redis("dst")) {
            List<Long> copied = expireTimes(dst, keys);
            for (int i = 0; i < keys.size(); i++) {
                long late = copied.get(i) - (expireAt + i);
                assertTrue(late >= 0 && late < 5000, keys.get(i) + " expires " + late + " ms after its source");
            }
        }
    }

    @Test
    void keys_that_expire_while_verify_full_reads_them_are_not_mismatches() throws Exception {
        home.run("start", "src", "dst").assertOk();
        Faults.loadStrings(home, "src", 30_000);
        CompletableFuture<CliResult> run = CompletableFuture.supplyAsync(() ->
                home.run("migrate", "src", "dst", "--verify", "full", "--json"));
        try (Jedis src = redis("src"); Jedis dst = redis("dst")) {
            // only the verifier asks the source for TYPE here: once it has, it is comparing keys
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!src.info("commandstats").contains("cmdstat_type:")) {
                assertTrue(System.nanoTime() < deadline && !run.isDone(), () -> "verification never began: " + run.join());
                Thread.sleep(2);
            }
            // every key expires at once on both sides, as a copy with its source's expiry would; the
            // target holds still meanwhile, so the keys read on the source before are gone from it after
            String at = Long.toString(System.currentTimeMillis() + 100);
            src.eval(EXPIRE_ALL, 0, at);
            dst.eval(EXPIRE_ALL, 0, at);
            dst.clientPause(800);
        }
        CliResult result = run.get(120, TimeUnit.SECONDS).assertOk();
        JsonNode verification = Json.MAPPER.readTree(result.out()).get("verification");
        assertEquals(0, verification.get("mismatches").asLong(), result.toString());
        long checked = verification.get("checked").asLong();
        assertTrue(checked > 0 && checked < 30_000, "the keys did not expire during the verification: " + result);
    }

    @Test
    void keys_the_target_reclaimed_as_expired_while_the_source_still_counts_them_are_no_shortfall() throws Exception {
        home.run("start", "origin", "src", "dst").assertOk();
        // the source is a replica: it removes an expired key only when its master says so, and its
        // master is paused below, so the source goes on counting keys the target has reclaimed
        try (Jedis origin = redis("origin"); Jedis src = redis("src")) {
            origin.configSet("repl-diskless-sync-delay", "0");
            Pipeline p = origin.pipelined();
            for (int i = 0; i < 300; i++) {
                p.set("k:" + i, "v");
                p.set("t:" + i, "v");
            }
            p.select(1);
            for (int i = 0; i < 3000; i++) {
                p.set("k:" + i, "v");
            }
            p.sync();
            src.replicaof("127.0.0.1", home.port("origin"));
            Await.until(Duration.ofSeconds(30), "the replica never synced", () -> src.dbSize() == 600);
        }
        // one thread reads db 0 and then db 1, which --rate makes last a few seconds
        CliResult result;
        try (Jedis origin = redis("origin"); Jedis dst = redis("dst")) {
            try {
                result = Faults.during(home, "dst", 600, () -> {
                    // in the future on both sides: an expiry in the past is a plain delete, not an expiry
                    long at = System.currentTimeMillis() + 500;
                    expireAt(origin, 300, at);
                    origin.clientPause(60_000, ClientPauseMode.WRITE);
                    expireAt(dst, 300, at);
                    Await.until(Duration.ofSeconds(10), "the target never reclaimed the expired keys",
                            () -> dst.dbSize() == 300);
                }, "migrate", "src", "dst", "--threads", "1", "--rate", "1000", "--batch", "100", "--verify", "quick",
                        "--json");
            } finally {
                origin.clientUnpause();
            }
        }
        result.assertOk();
        JsonNode summary = Json.MAPPER.readTree(result.out());
        assertEquals(0, summary.get("verification").get("mismatches").asLong(), result.toString());
        JsonNode db0 = summary.get("verification").get("keys_per_db").get("db0->db0");
        assertEquals(600, db0.get(0).asLong(), "the source still counts the expired keys: " + result);
        assertEquals(300, db0.get(1).asLong(), result.toString());
    }

    /** Writes {@code n} strings e:0… into {@code name}, e:i expiring at {@code at + i}; returns their names. */
    private List<String> withExpiries(String name, int n, long at) {
        List<String> keys = new ArrayList<>();
        try (Jedis jedis = redis(name)) {
            Pipeline p = jedis.pipelined();
            for (int i = 0; i < n; i++) {
                keys.add("e:" + i);
                p.set("e:" + i, "v" + i);
                p.pexpireAt("e:" + i, at + i);
            }
            p.sync();
        }
        return keys;
    }

    /** Sets t:0 … t:{n-1} to expire at {@code at}. */
    private static void expireAt(Jedis jedis, int n, long at) {
        Pipeline p = jedis.pipelined();
        for (int i = 0; i < n; i++) {
            p.pexpireAt("t:" + i, at);
        }
        p.sync();
    }

    private static List<Long> expireTimes(Jedis jedis, List<String> keys) {
        Pipeline p = jedis.pipelined();
        List<Response<Long>> at = keys.stream().map(p::pexpireTime).toList();
        p.sync();
        return at.stream().map(Response::get).toList();
    }
}
