package dev.cachectl.util;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Numbers with a fixed count of decimals, as {@code String.format(Locale.ROOT, "%.Nf", value)} writes
 * them (half-up on the shortest decimal form of the double), without the Formatter: a {@code %f} loads
 * the JDK's locale data (CLDR, resource bundles), a good share of a {@code status} that prints a table.
 */
public final class Decimals {

    private Decimals() {
    }

    public static String fixed(double value, int decimals) {
        if (!Double.isFinite(value)) {
            return Double.toString(value);
        }
        String text = new BigDecimal(Double.toString(value)).setScale(decimals, RoundingMode.HALF_UP).toPlainString();
        // %f keeps the sign of a negative value that rounds to zero
        return value < 0 && text.charAt(0) != '-' ? "-" + text : text;
    }
}
