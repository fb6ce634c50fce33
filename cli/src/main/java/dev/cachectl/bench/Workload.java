package dev.cachectl.bench;

import dev.cachectl.CachectlException;

import java.nio.charset.StandardCharsets;

/**
 * What a run asks of the server: the SET:GET mix, the keyspace and how keys are picked, value sizes.
 * Keys are {@code prefix} followed by a zero-padded index, so every key has the same length and a
 * command can be encoded by overwriting digits in place.
 */
public record Workload(int setWeight, int getWeight, int keys, KeyPattern pattern, double zipfExponent,
                       String prefix, int minSize, int maxSize, long seed, boolean readThrough) {

    public static final int MAX_KEYS = 50_000_000;
    public static final int MAX_VALUE = 1 << 20;
    /** Expiry of the SETs of a read-through run, so that volatile-* policies have keys to evict. */
    static final int READ_THROUGH_TTL_SECONDS = 86_400;

    public Workload(int setWeight, int getWeight, int keys, KeyPattern pattern, double zipfExponent, String prefix,
                    int minSize, int maxSize, long seed) {
        this(setWeight, getWeight, keys, pattern, zipfExponent, prefix, minSize, maxSize, seed, false);
    }

    public Workload {
        if (setWeight < 0 || getWeight < 0 || setWeight + getWeight == 0) {
            throw CachectlException.usage("--ratio needs SET:GET with at least one side above 0, e.g. 1:10 (got "
                    + setWeight + ":" + getWeight + ")");
        }
        if (keys < 1 || keys > MAX_KEYS) {
            throw CachectlException.usage("--keys must be between 1 and " + MAX_KEYS + " (got " + keys + ")");
        }
        if (minSize < 1 || maxSize < minSize || maxSize > MAX_VALUE) {
            throw CachectlException.usage("value sizes must be between 1 byte and 1mb, the smaller first (got "
                    + minSize + "-" + maxSize + ")");
        }
        if (pattern == KeyPattern.zipf && !(zipfExponent > 0 && zipfExponent <= 10)) {
            throw CachectlException.usage("--zipf-exponent must be above 0 and at most 10 (got " + zipfExponent + ")");
        }
        if (prefix.isEmpty()) {
            throw CachectlException.usage("--key-prefix must not be empty: bench writes only under its prefix");
        }
    }

    /** {@code SET:GET}, e.g. {@code 1:10}, {@code 1:0} (SET only). */
    public static int[] parseRatio(String text) {
        String[] parts = text.split(":");
        try {
            if (parts.length == 2) {
                return new int[]{Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim())};
            }
        } catch (NumberFormatException e) {
            // falls through to the sentence below
        }
        throw CachectlException.usage("--ratio takes SET:GET as two whole numbers, e.g. 1:10 (got '" + text + "')");
    }

    /** {@code 32-4096}: the smallest and largest value size, in bytes. */
    public static int[] parseSizeRange(String text) {
        String[] parts = text.split("-");
        if (parts.length == 2) {
            try {
                return new int[]{(int) dev.cachectl.util.Sizes.parse(parts[0].trim()), (int) dev.cachectl.util.Sizes.parse(parts[1].trim())};
            } catch (RuntimeException e) {
                // falls through
            }
        }
        throw CachectlException.usage("--data-size-range takes MIN-MAX in bytes, e.g. 32-4096 (got '" + text + "')");
    }

    public boolean hasGets() {
        return getWeight > 0;
    }

    public boolean hasSets() {
        return setWeight > 0;
    }

    byte[] prefixBytes() {
        return prefix.getBytes(StandardCharsets.UTF_8);
    }

    /** Digits of the largest index, the width every key index is padded to. */
    int indexDigits() {
        return Long.toString(Math.max(0, keys - 1)).length();
    }

    /** The bytes every SET's value is cut from: {@code maxSize} letters, repeatable by the seed. */
    byte[] valueBytes() {
        byte[] value = new byte[maxSize];
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) ('a' + random.nextInt(26));
        }
        return value;
    }

    /** The table a run's threads share to pick Zipf keys; null when keys are picked otherwise. */
    Zipf zipfTable() {
        return pattern == KeyPattern.zipf ? new Zipf(keys, zipfExponent) : null;
    }

    /** The key of index {@code i}, as the server stores it. */
    public String key(long i) {
        String digits = Long.toString(i);
        return prefix + "0".repeat(indexDigits() - digits.length()) + digits;
    }

    /** GETs only, and a SET (with an expiry) after each miss: how an application fills a cache. */
    public Workload asReadThrough() {
        return new Workload(0, 1, keys, pattern, zipfExponent, prefix, minSize, maxSize, seed, true);
    }

    /** The same workload with another seed: a measured phase that does not replay its warm-up's keys. */
    public Workload withSeed(long other) {
        return new Workload(setWeight, getWeight, keys, pattern, zipfExponent, prefix, minSize, maxSize, other, readThrough);
    }

    /** The same workload, SET only over every key in order: the preload. */
    Workload preload() {
        return new Workload(1, 0, keys, KeyPattern.sequential, zipfExponent, prefix, minSize, maxSize, seed);
    }
}
