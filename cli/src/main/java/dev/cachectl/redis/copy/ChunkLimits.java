package dev.cachectl.redis.copy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * How much one command of a by-type copy may carry, so that no read or write blocks either server
 * for long: elements, what one read asks for and one write holds; bytes, about what one write holds.
 */
record ChunkLimits(int elements, long bytes) {
    ChunkLimits {
        if (elements < 1) {
            throw new IllegalArgumentException("chunkElements must be at least 1: " + elements);
        }
        if (bytes < 1 || bytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("chunkBytes must be between 1 and 2^31-9: " + bytes);
        }
    }

    /** Splits a chunk so that no single write carries more than {@link #elements} elements or about {@link #bytes} bytes. */
    <T> List<List<T>> batches(List<T> items, ToLongFunction<T> size) {
        List<List<T>> batches = new ArrayList<>();
        List<T> batch = new ArrayList<>();
        long batchBytes = 0;
        for (T item : items) {
            long n = size.applyAsLong(item);
            if (!batch.isEmpty() && (batch.size() >= elements || batchBytes + n > bytes)) {
                batches.add(batch);
                batch = new ArrayList<>();
                batchBytes = 0;
            }
            batch.add(item);
            batchBytes += n;
        }
        if (!batch.isEmpty()) {
            batches.add(batch);
        }
        return batches;
    }
}
