package dev.cachectl.migrate;

/**
 * One independent part of a copy (a MongoDB collection; for Redis, a node's db), read in order by
 * one reader, with what the source estimates it holds. {@code name} identifies it in the checkpoint.
 */
public record CopyUnit(String name, String targetName, long estimatedItems, long estimatedBytes) {
}
