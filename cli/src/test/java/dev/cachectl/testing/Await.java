package dev.cachectl.testing;

import java.time.Duration;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Waiting in tests: for a condition, with a deadline, never for a fixed time. A condition may itself
 * throw an {@link AssertionError} (say, "the process we wait on exited early") to fail at once; any
 * other exception it throws fails the wait too.
 */
public final class Await {
    private static final long POLL_MILLIS = 50;

    private Await() {
    }

    /** Returns once {@code condition} holds; fails with {@code what} when it still does not after {@code limit}. */
    public static void until(Duration limit, String what, Condition condition) {
        until(limit, () -> what, condition);
    }

    /** As {@link #until(Duration, String, BooleanSupplier)}, the message built at failure time (a log read then). */
    public static void until(Duration limit, Supplier<String> what, Condition condition) {
        if (!eventually(limit, condition)) {
            fail("not within " + limit.toMillis() + " ms: " + what.get());
        }
    }

    /** True as soon as {@code condition} holds, false when it still does not after {@code limit}. */
    public static boolean eventually(Duration limit, Condition condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!check(condition)) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            pause(POLL_MILLIS);
        }
        return true;
    }

    /**
     * For a claim that something does not happen for a while (a busy server is not stopped for one idle
     * timeout): time has to pass here, so this checks {@code condition} all along the {@code period} and
     * fails the moment it stops holding, instead of sleeping and looking once at the end.
     */
    public static void holdsFor(Duration period, Supplier<String> what, Condition condition) {
        long end = System.nanoTime() + period.toNanos();
        do {
            if (!check(condition)) {
                fail("stopped holding within " + period.toMillis() + " ms: " + what.get());
            }
            pause(POLL_MILLIS);
        } while (System.nanoTime() - end < 0);
    }

    /** A condition to wait for; it may throw what the code it polls throws (IOException, ...). */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    private static boolean check(Condition condition) {
        try {
            return condition.holds();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("checking the condition failed", e);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        }
    }
}
