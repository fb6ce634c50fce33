package dev.cachectl.rebalance.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What {@code rebalance} was asked to do with a cluster. threshold: a fraction (0.05 for 5%); weights and
 * drain name masters by HOST:PORT or node id; rateBytes: bytes per second, 0 for no limit.
 */
public record ClusterRequest(boolean apply, By by, double threshold, Map<String, Double> weights, List<String> drain,
                             int samples, int pipeline, Duration timeout, long rateBytes) {

    /** memory: balance measured bytes; slots: balance slot counts, as redis-cli does. */
    public enum By { memory, slots }
}
