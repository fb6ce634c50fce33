package dev.cachectl.bench;

import org.HdrHistogram.Histogram;

/** One command's (or all commands') figures from its histogram, in milliseconds. */
public record Latency(String command, long count, double opsPerSec, double avgMs, double minMs, double p50Ms,
                      double p90Ms, double p95Ms, double p99Ms, double p999Ms, double p9999Ms, double maxMs) {

    static Latency of(String command, Histogram h, double seconds) {
        if (h.getTotalCount() == 0) {
            return new Latency(command, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        }
        return new Latency(command, h.getTotalCount(), round(h.getTotalCount() / Math.max(seconds, 1e-9)),
                ms(h.getMean()), ms(h.getMinValue()), ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)),
                ms(h.getValueAtPercentile(95)), ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)),
                ms(h.getValueAtPercentile(99.99)), ms(h.getMaxValue()));
    }

    private static double ms(double micros) {
        return Math.round(micros) / 1000.0;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
