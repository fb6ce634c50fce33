package dev.cachectl.rebalance.group;

import dev.cachectl.config.Endpoint;

/**
 * What a group rebalance needs from the engine behind its instances: how full one is, how much a
 * category takes on it, and moving a category's keys from one to another. Redis today
 * ({@link RedisGroupServers}); another engine implements the same three.
 */
public interface GroupServers {

    /** Memory in use and the limit (0: none set) of one instance. */
    record Load(long usedMemory, long maxmemory) {
    }

    /** Keys under a prefix and their estimated bytes (sampled, scaled to every key). */
    record Size(long keys, long bytes) {
    }

    /**
     * How a category's move ended: keys copied and deleted from the source, and what is left there; {@code problem}:
     * why it stopped, and {@code cause}: what raised that, for --verbose (null when nothing did).
     */
    record Moved(String outcome, long copied, long deletedFromSource, long leftOnSource, String problem, Throwable cause) {
    }

    Load load(Endpoint instance);

    Size measure(Endpoint instance, String prefix, int samples);

    Moved move(String what, Endpoint from, Endpoint to, String prefix);
}
