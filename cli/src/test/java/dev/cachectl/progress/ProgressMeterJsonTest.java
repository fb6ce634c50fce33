package dev.cachectl.progress;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cachectl.util.Json;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** With {@code --json}, progress log lines are JSON events that carry a live follow's lag as their detail. */
class ProgressMeterJsonTest {

    @Test
    void json_progress_events_carry_counts_and_the_detail() throws Exception {
        StringWriter text = new StringWriter();
        ProgressMeter meter = ProgressMeter.jsonLog(new PrintWriter(text), Duration.ZERO);
        meter.started("migrate", 10);
        meter.detail("live 127.0.0.1:6379: lag 0 bytes, 0.0s");
        meter.advanced(4, 400);
        String[] lines = text.toString().trim().split("\n");
        JsonNode last = Json.MAPPER.readTree(lines[lines.length - 1]);
        assertEquals("progress", last.get("event").asText());
        assertEquals("migrate", last.get("job").asText());
        assertEquals(4, last.get("done").asLong());
        assertEquals(10, last.get("total").asLong());
        assertEquals("live 127.0.0.1:6379: lag 0 bytes, 0.0s", last.get("detail").asText());
    }
}
