package dev.cachectl.redis.copy;

/**
 * One key read from a snapshot on its way to the target: a plain string travels as its value
 * ({@code value}), anything else as a DUMP payload ({@code payload}).
 *
 * @param expireAt absolute expiry in ms, 0 for none
 * @param bytes    what the value weighs in the snapshot, for the MB/s and the summary
 */
record SnapshotEntry(int sourceDb, byte[] sourceKey, int targetDb, byte[] targetKey, long expireAt, byte[] value, byte[] payload, long bytes) {
}
