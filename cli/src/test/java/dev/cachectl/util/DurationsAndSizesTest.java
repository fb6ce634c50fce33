package dev.cachectl.util;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DurationsAndSizesTest {

    @Test
    void durations_read_operator_units_and_combinations() {
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofSeconds(30), Durations.parse("30s"));
        assertEquals(Duration.ofSeconds(30), Durations.parse("30"));
        assertEquals(Duration.ofMinutes(15), Durations.parse("15m"));
        assertEquals(Duration.ofMinutes(90), Durations.parse("1h30m"));
        assertEquals(Duration.ofDays(2), Durations.parse("2D"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "15x", "m15", "1h 30m", "-5s", "10s5"})
    void malformed_durations_are_rejected(String text) {
        assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"99999999999999999999s", "999999999999d", "36501d", "999999999999999999", "52560001m"})
    void durations_past_a_hundred_years_or_a_long_say_so_in_words(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
        assertEquals("'" + text + "' is too long a duration (at most 36500d, 100 years)", e.getMessage());
    }

    @Test
    void durations_format_back_to_what_parse_reads() {
        for (String text : new String[]{"0s", "250ms", "45s", "15m", "1h30m", "1d2h3m4s"}) {
            assertEquals(text, Durations.format(Durations.parse(text)));
        }
    }

    @Test
    void sizes_use_binary_units_like_redis() {
        assertEquals(256L << 20, Sizes.parse("256mb"));
        assertEquals(256L << 20, Sizes.parse("256MB"));
        assertEquals(1L << 30, Sizes.parse("1g"));
        assertEquals(512L << 10, Sizes.parse("512 KiB"));
        assertEquals(1048576L, Sizes.parse("1048576"));
    }

    @Test
    void a_size_past_what_a_long_holds_says_so_in_words() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sizes.parse("18446744073709551616"));
        assertEquals("'18446744073709551616' is too large", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "lots", "1.5gb", "-1mb", "10pb", "99999999999999gb"})
    void malformed_sizes_are_rejected(String text) {
        assertThrows(IllegalArgumentException.class, () -> Sizes.parse(text));
    }

    @Test
    void sizes_print_humanly() {
        assertEquals("512 B", Sizes.human(512));
        assertEquals("1.5 KiB", Sizes.human(1536));
        assertEquals("64.0 MiB", Sizes.human(64L << 20));
    }
}
