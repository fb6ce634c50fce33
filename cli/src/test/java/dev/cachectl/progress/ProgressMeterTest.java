package dev.cachectl.progress;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressMeterTest {

    @Test
    void log_lines_show_count_percent_rate_and_eta() {
        StringWriter text = new StringWriter();
        ProgressMeter meter = ProgressMeter.log(new PrintWriter(text), Duration.ZERO);
        meter.started("migrate", 1000);
        meter.advanced(250, 25_000);
        meter.finished();
        String line = text.toString().lines().reduce((a, b) -> b).orElse("");
        assertTrue(line.matches("migrate: 250/1000 \\(25%\\), \\d+/s, .+/s, ETA .+"), line);
        assertFalse(text.toString().contains("\r"), "log mode must not redraw lines");
    }

    @Test
    void a_bar_redraws_one_line_and_clears_it_at_the_end() {
        StringWriter text = new StringWriter();
        ProgressMeter meter = ProgressMeter.bar(new PrintWriter(text));
        meter.started("warm", -1);
        meter.advanced(1, 10);
        meter.finished();
        assertTrue(text.toString().endsWith("\r\033[K"), text.toString());
        assertFalse(text.toString().contains("\n"));
    }
}
