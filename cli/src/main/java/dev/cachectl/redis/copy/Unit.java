package dev.cachectl.redis.copy;

import java.util.List;

/** One SCAN page of keys from one stream, in order: what a worker copies and acknowledges as a whole. */
record Unit(StreamProgress stream, long seq, List<byte[]> keys, String cursorAfter) {
}
