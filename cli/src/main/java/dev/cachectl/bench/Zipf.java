package dev.cachectl.bench;

/**
 * A Zipf distribution over ranks 0..n-1 (rank 0 the most popular, weight 1/(rank+1)^s), sampled by
 * binary search in its cumulative table: one table per run, shared read-only by every I/O thread.
 */
public final class Zipf {
    private final double[] cdf;

    public Zipf(int n, double exponent) {
        cdf = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += 1.0 / Math.pow(i + 1, exponent);
            cdf[i] = sum;
        }
        for (int i = 0; i < n; i++) {
            cdf[i] /= sum;
        }
    }

    /** The rank for a uniform {@code u} in [0, 1). */
    public int sample(double u) {
        int lo = 0;
        int hi = cdf.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cdf[mid] > u) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /** The share of all requests that go to the {@code k} most popular ranks: the best hit ratio a cache of k keys can have. */
    public double topMass(int k) {
        return k <= 0 ? 0 : cdf[Math.min(k, cdf.length) - 1];
    }
}
