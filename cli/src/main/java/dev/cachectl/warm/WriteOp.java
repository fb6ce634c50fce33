package dev.cachectl.warm;

/**
 * One key to write: a string ({@code value}) or a hash ({@code hash}: field, value, field, value…),
 * with a TTL in milliseconds (0: none). {@code line} points back at the record for error messages.
 */
public record WriteOp(long line, byte[] key, byte[] value, byte[][] hash, long ttlMillis) {

    public boolean isHash() {
        return hash != null;
    }

    /** Bytes of payload, for progress. */
    public int size() {
        int n = key.length;
        if (value != null) {
            n += value.length;
        } else {
            for (byte[] part : hash) {
                n += part.length;
            }
        }
        return n;
    }
}
