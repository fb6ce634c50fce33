package dev.cachectl.bench;

import java.util.List;

/** The result of a {@code bench} run, rendered as a table, CSV, or JSON (docs/schema/bench.schema.json). */
public record BenchReport(String outcome, String message, Configuration configuration, Run run, List<Latency> commands,
                          Latency overall, List<Latency> serviceTime, Gets gets, long errors, String firstError,
                          OpenLoop openLoop, List<Second> perSecond, List<Node> nodes, long redirects, Server server) {

    /** The options in effect, as given or defaulted. */
    public record Configuration(String target, String ratio, int keys, String keyPattern, double zipfExponent,
                                String keyPrefix, int dataSizeMin, int dataSizeMax, int clients, int threads,
                                int pipeline, long requests, Double durationSeconds, double warmupSeconds, Double rate,
                                long seed, boolean preload, boolean cleanup) {
    }

    /** When and how the run went on the client's side. */
    public record Run(String startedAt, double elapsedSeconds, long preloadedKeys, Long cleanedUpKeys,
                      double clientCpuPercent, boolean clientBound, List<String> warnings) {
    }

    public record Gets(long hits, long misses, Double hitRatio) {
    }

    public record OpenLoop(double offeredRate, double achievedRate) {
    }

    public record Second(int second, long ops, long errors) {
    }

    /** One server the load went to (a cluster's master), and its share. */
    public record Node(String address, long ops, double opsPerSec) {
    }

    public record Server(ServerView before, ServerView after) {
    }
}
