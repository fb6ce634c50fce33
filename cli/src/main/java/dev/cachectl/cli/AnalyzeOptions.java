package dev.cachectl.cli;

import dev.cachectl.CachectlException;
import dev.cachectl.status.analyze.AnalysisSettings;
import picocli.CommandLine.Option;

/** {@code status --analyze} and how it reads: the sample, the namespaces, the top list, the load it may put on a server. */
final class AnalyzeOptions {
    private static final int SCAN_COUNT = 1000;

    @Option(names = "--analyze", description = "Also show where the memory goes: per namespace, type, db and TTL, and the biggest keys, "
            + "from a sample of the keys (SCAN, then TYPE, MEMORY USAGE, PTTL and an O(1) length per key).")
    boolean analyze;

    @Option(names = "--sample", paramLabel = "N", defaultValue = "10000",
            description = "Keys to read for --analyze, spread over servers and dbs; the rest is estimated (default: ${DEFAULT-VALUE}).")
    long sample;

    @Option(names = "--full", description = "Read every key for --analyze instead of a sample: exact figures, longer.")
    boolean full;

    @Option(names = "--delimiter", paramLabel = "TEXT", defaultValue = ":",
            description = "What separates a key's namespace from the rest (default: '${DEFAULT-VALUE}').")
    String delimiter;

    @Option(names = "--depth", paramLabel = "N", defaultValue = "1",
            description = "Namespace levels: 2 groups user:1:cart under user:1:* (default: ${DEFAULT-VALUE}).")
    int depth;

    @Option(names = "--top", paramLabel = "N", defaultValue = "10", description = "Biggest keys to list (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--rate", paramLabel = "KEYS/S", defaultValue = "0",
            description = "Read at most this many keys per second for --analyze (default: no limit).")
    long rate;

    boolean enabled() {
        return analyze || full;
    }

    /** An analysis option without the analysis would be ignored: refused instead (exit 2), as every option is. */
    void refuseIdle(picocli.CommandLine.ParseResult typed) {
        if (enabled()) {
            return;
        }
        for (String option : java.util.List.of("--sample", "--delimiter", "--depth", "--top", "--rate")) {
            if (typed.hasMatchedOption(option)) {
                throw CachectlException.usage(option + " goes with --analyze (or --full): status " + option
                        + " alone reads no keys");
            }
        }
    }

    AnalysisSettings settings() {
        try {
            return new AnalysisSettings(sample, full, delimiter, depth, top, rate, SCAN_COUNT);
        } catch (IllegalArgumentException e) {
            throw CachectlException.usage(e.getMessage());
        }
    }
}
