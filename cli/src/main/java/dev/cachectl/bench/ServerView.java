package dev.cachectl.bench;

/** The server's own counters at one moment (summed over masters for a cluster): what INFO says the run did. */
public record ServerView(long commandsProcessed, long setCalls, long getCalls, long usedMemory, long evictedKeys,
                         long keyspaceHits, long keyspaceMisses) {

    ServerView plus(ServerView o) {
        return new ServerView(commandsProcessed + o.commandsProcessed, setCalls + o.setCalls, getCalls + o.getCalls,
                usedMemory + o.usedMemory, evictedKeys + o.evictedKeys, keyspaceHits + o.keyspaceHits,
                keyspaceMisses + o.keyspaceMisses);
    }
}
