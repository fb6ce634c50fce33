package dev.cachectl.warm.sink;

import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * Where a warm's writes go, as lanes: each lane is one sink, fed by one thread, whose writes the target
 * applies in the order they were sent. A key always takes the same lane, so two writes of one key (a
 * record and a later update of it in the same file) land in input order and the later one wins, as
 * they would from {@code redis-cli --pipe}.
 *
 * @param count how many lanes
 * @param of    the lane of a key, from 0 to {@code count - 1}
 * @param merge when a lane falls behind, the most writes it sends in one go from the parts of batches
 *              waiting for it (0: each part on its own)
 * @param sinks opens the sink of one lane (a connection; a cluster's pipelines)
 */
public record Lanes(int count, ToIntFunction<byte[]> of, int merge, Supplier<BatchSink> sinks) {

    public Lanes {
        if (count < 1) {
            throw new IllegalArgumentException("at least one lane");
        }
    }

    /** One lane for every key: a single ordered stream, each batch sent as it is. */
    public static Lanes one(Supplier<BatchSink> sinks) {
        return new Lanes(1, key -> 0, 0, sinks);
    }
}
