package dev.cachectl.migrate;

/**
 * One independent part of a copy (a MongoDB collection; for Redis, a node's db), read in order by
 * one reader, with what the source estimates it holds. {@code name} identifies it in the checkpoint;
 * {@code group} is what units share a source (a Redis node), for an engine that can copy a whole
 * group at once ({@link UnitCopier#groupCopy}); empty when units stand alone.
 */
public record CopyUnit(String name, String targetName, long estimatedItems, long estimatedBytes, String group) {

    public CopyUnit(String name, String targetName, long estimatedItems, long estimatedBytes) {
        this(name, targetName, estimatedItems, estimatedBytes, "");
    }
}
