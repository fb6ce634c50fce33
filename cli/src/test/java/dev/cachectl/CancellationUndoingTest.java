package dev.cachectl;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A job undoing what it launched (a start stopping its servers) is not cut short by a repeated request. */
class CancellationUndoingTest {

    @Test
    void a_repeated_request_waits_while_the_job_undoes_what_it_launched_and_ends_at_once_afterwards() {
        Cancellation token = Cancellation.unwatched();
        List<String> stops = new ArrayList<>();
        try (Cancellation.Registration start = token.onCancelUndoing(stops::add)) {
            assertEquals(Cancellation.Request.FIRST, token.signal("INT"));
            assertEquals(List.of("interrupted by SIGINT"), stops);
            assertEquals(Cancellation.Request.DEFERRED, token.signal("INT"));
            start.close();
            assertEquals(Cancellation.Request.REPEATED, token.signal("INT"), "closing twice is harmless");
        }
        assertEquals(Cancellation.Request.REPEATED, token.signal("TERM"));
    }
}
