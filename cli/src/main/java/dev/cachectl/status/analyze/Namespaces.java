package dev.cachectl.status.analyze;

import dev.cachectl.util.KeyText;

import java.nio.charset.StandardCharsets;

/** A key's namespace: its prefix up to the {@code depth}-th delimiter, as a pattern ({@code user:*}). */
final class Namespaces {
    /** Keys without the delimiter share one group. */
    static final String NONE = "(no prefix)";
    static final String OTHER = "(other)";

    private final byte[] delimiter;
    private final int depth;

    Namespaces(String delimiter, int depth) {
        this.delimiter = delimiter.getBytes(StandardCharsets.UTF_8);
        this.depth = depth;
    }

    String of(byte[] key) {
        int end = -1;
        int found = 0;
        for (int i = 0; i + delimiter.length <= key.length && found < depth; i++) {
            if (matches(key, i)) {
                found++;
                end = i + delimiter.length;
                i = end - 1;
            }
        }
        return end < 0 ? NONE : KeyText.readable(key, end) + "*";
    }

    private boolean matches(byte[] key, int at) {
        for (int j = 0; j < delimiter.length; j++) {
            if (key[at + j] != delimiter[j]) {
                return false;
            }
        }
        return true;
    }
}
