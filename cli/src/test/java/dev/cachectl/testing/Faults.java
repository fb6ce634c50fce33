package dev.cachectl.testing;

import redis.clients.jedis.Jedis;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Faults injected while a command runs: a server killed, or emptied, once the command is under way. */
public final class Faults {

    private Faults() {
    }

    /** Writes k:0 = value-0 … k:{n-1} into the managed instance {@code name}, in one pipeline. */
    public static void loadStrings(CachectlHome home, String name, int n) {
        try (Jedis jedis = new Jedis("127.0.0.1", home.port(name))) {
            var p = jedis.pipelined();
            for (int i = 0; i < n; i++) {
                p.set("k:" + i, "value-" + i);
            }
            p.sync();
        }
    }

    /** What to do to the servers once the command is under way. */
    public interface Fault {
        void inject() throws Exception;
    }

    /**
     * Runs {@code args} in the background, waits (30 s at most) until instance {@code watched} holds
     * {@code keys} keys, injects {@code fault}, and returns how the command ended.
     */
    public static CliResult during(CachectlHome home, String watched, long keys, Fault fault, String... args)
            throws Exception {
        CompletableFuture<CliResult> run = CompletableFuture.supplyAsync(() -> home.run(args));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (Jedis jedis = new Jedis("127.0.0.1", home.port(watched))) {
            while (jedis.dbSize() < keys) {
                assertFalse(run.isDone(), () -> "the command ended before the fault: " + run.join());
                assertTrue(System.nanoTime() < deadline, "the command made no progress");
                Thread.sleep(10);
            }
        }
        fault.inject();
        return run.get(60, TimeUnit.SECONDS);
    }

    /** A fault: the managed instance's server is killed (SIGKILL). */
    public static Fault kill(CachectlHome home, String victim) {
        long pid = home.pid(victim);
        return () -> ProcessHandle.of(pid).orElseThrow().destroyForcibly();
    }
}
