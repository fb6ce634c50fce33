package dev.cachectl.util;

import org.junit.jupiter.api.Test;

import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link Decimals#fixed} writes what {@code String.format(Locale.ROOT, "%.Nf")} writes, which it replaces. */
class DecimalsTest {

    @Test
    void fixed_matches_the_formatter() {
        double[] values = {0, 0.05, 0.15, 0.25, 0.35, 1.005, 1.045, 2.675, 13.805, 99.95, 99.99, 100, 943.75, 1023.95,
                1e-7, 12345678.9, 0.125, 0.375, -0.04, -1.25, -2.5, 1.0 / 3, 2.0 / 3, 1e21};
        for (double v : values) {
            for (int digits = 0; digits <= 2; digits++) {
                assertEquals(String.format(Locale.ROOT, "%." + digits + "f", v), Decimals.fixed(v, digits), v + " with " + digits);
            }
        }
        java.util.Random random = new java.util.Random(14);
        for (int i = 0; i < 20_000; i++) {
            double v = random.nextDouble() * Math.pow(10, random.nextInt(8)) * (random.nextBoolean() ? 1 : -1);
            int digits = random.nextInt(3);
            assertEquals(String.format(Locale.ROOT, "%." + digits + "f", v), Decimals.fixed(v, digits), v + " with " + digits);
        }
        assertEquals("NaN", Decimals.fixed(Double.NaN, 1));
        assertEquals("Infinity", Decimals.fixed(Double.POSITIVE_INFINITY, 1));
    }

    @Test
    void sizes_keep_their_one_decimal() {
        assertEquals("1.5 MiB", Sizes.human(1536 * 1024));
        assertEquals("943.7 KiB", Sizes.human(966_376));
    }
}
