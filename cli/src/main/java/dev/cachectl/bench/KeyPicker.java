package dev.cachectl.bench;

/**
 * One load thread's picks, repeatable by {@link Workload#seed}: SET or GET by the mix, the key's index by the
 * pattern, a SET's value size in the range. A xorshift generator of its own, so threads share nothing.
 */
final class KeyPicker {
    private final Workload workload;
    private final Zipf zipf;
    private final int setShare;
    private final int step;
    private long rng;
    private long sequence;

    /** The picks of thread {@code thread} of {@code threads}; {@code zipf} is the run's table (null unless zipf keys). */
    KeyPicker(Workload workload, Zipf zipf, int thread, int threads) {
        this.workload = workload;
        this.zipf = zipf;
        this.setShare = (int) ((long) Integer.MAX_VALUE * workload.setWeight() / (workload.setWeight() + workload.getWeight()));
        this.step = threads;
        this.rng = mix(workload.seed() * 31 + thread + 1);
        this.sequence = thread;
    }

    boolean isSet() {
        return (int) (next() >>> 33) < setShare;
    }

    long keyIndex() {
        return switch (workload.pattern()) {
            case uniform -> (next() >>> 1) % workload.keys();
            case zipf -> zipf.sample((next() >>> 11) * 0x1.0p-53);
            case sequential -> {
                long i = sequence % workload.keys();
                sequence += step;
                yield i;
            }
        };
    }

    /** A SET's value size, in the workload's range. */
    int size() {
        return workload.minSize() + (int) ((next() >>> 1) % (workload.maxSize() - workload.minSize() + 1));
    }

    private long next() {
        long x = rng;
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        rng = x;
        return x;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        z = z ^ (z >>> 31);
        return z == 0 ? 0x9E3779B97F4A7C15L : z;
    }
}
