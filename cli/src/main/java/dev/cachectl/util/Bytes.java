package dev.cachectl.util;

import java.util.Arrays;

/**
 * A run of bytes inside an array: a value cut from the buffer it was read into, passed on without a
 * copy (warm's JSON values reach the RESP encoder this way). Whoever holds one holds the whole array.
 */
public record Bytes(byte[] array, int offset, int length) {

    public static Bytes of(byte[] bytes) {
        return new Bytes(bytes, 0, bytes.length);
    }

    /** The bytes as an array of their own: the array itself when the run is all of it. */
    public byte[] toArray() {
        return offset == 0 && length == array.length ? array : Arrays.copyOfRange(array, offset, offset + length);
    }
}
