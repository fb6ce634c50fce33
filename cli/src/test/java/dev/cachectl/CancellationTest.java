package dev.cachectl;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The token's rules, which every long job and the one signal handler rely on. */
class CancellationTest {

    @Test
    void the_outside_is_watched_only_while_a_job_listens() {
        AtomicInteger watching = new AtomicInteger();
        Cancellation token = new Cancellation(t -> {
            watching.incrementAndGet();
            return watching::decrementAndGet;
        });
        assertEquals(0, watching.get());
        try (Cancellation.Registration first = token.onCancel(why -> { });
             Cancellation.Registration second = token.onSignal(name -> { })) {
            assertEquals(1, watching.get(), "one watch for any number of listeners");
            first.close();
            first.close();
            assertEquals(1, watching.get());
        }
        assertEquals(0, watching.get());
    }

    @Test
    void the_first_signal_stops_the_job_and_a_repeated_one_is_for_its_sender() {
        Cancellation token = Cancellation.unwatched();
        List<String> stops = new ArrayList<>();
        try (Cancellation.Registration job = token.onCancel(stops::add)) {
            assertEquals(Cancellation.Request.FIRST, token.signal("INT"));
            assertEquals(Cancellation.Request.REPEATED, token.signal("TERM"));
        }
        assertEquals(List.of("interrupted by SIGINT"), stops);
        assertTrue(token.isCancelled());
        CachectlException e = assertThrows(CachectlException.class, token::throwIfCancelled);
        assertEquals(ExitCode.INTERRUPTED, e.exitCode());
    }

    @Test
    void a_job_that_listens_after_the_request_stops_at_once() {
        Cancellation token = Cancellation.unwatched();
        token.signal("INT");
        List<String> stops = new ArrayList<>();
        try (Cancellation.Registration job = token.onCancel(stops::add)) {
            assertEquals(List.of("interrupted by SIGINT"), stops);
        }
    }

    @Test
    void run_gets_every_signal_to_pass_on_and_none_escalates() {
        Cancellation token = Cancellation.unwatched();
        List<String> passed = new ArrayList<>();
        try (Cancellation.Registration run = token.onSignal(passed::add)) {
            assertEquals(Cancellation.Request.PASSED_ON, token.signal("INT"));
            assertEquals(Cancellation.Request.PASSED_ON, token.signal("INT"));
            assertEquals(Cancellation.Request.PASSED_ON, token.signal("HUP"));
        }
        assertEquals(List.of("INT", "INT", "HUP"), passed);
        assertFalse(token.listened());
    }
}
