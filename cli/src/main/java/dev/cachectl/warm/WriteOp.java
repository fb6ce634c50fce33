package dev.cachectl.warm;

import dev.cachectl.util.Bytes;

/**
 * One key to write: a string ({@code value}, often a slice of the buffer its record was read into) or a
 * hash ({@code hash}: field, value, field, value…),
 * with a TTL in milliseconds (0: none). {@code line} points back at the record for error messages.
 */
public record WriteOp(long line, byte[] key, Bytes value, byte[][] hash, long ttlMillis) {

    public boolean isHash() {
        return hash != null;
    }

    /** Bytes of payload, for progress. */
    public int size() {
        int n = key.length;
        if (value != null) {
            n += value.length();
        } else {
            for (byte[] part : hash) {
                n += part.length;
            }
        }
        return n;
    }
}
