package dev.cachectl.status.analyze;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Scales what each server and db's sample holds by its key count (the reads are spread over them in
 * proportion, so the sample as a whole weighs every key alike) and states the error of each share:
 * a key share is a sample proportion, a memory share a ratio estimate; both get a 95% interval with
 * the finite-population correction, which is 0 when every key was read.
 */
final class Estimate {
    private static final double Z95 = 1.96;

    /** One group summed over shards: estimated keys and memory, and the raw sums the errors need. */
    private static final class Group {
        double keys;
        double memory;
        long n;
        double rawMemory;
        double rawSquared;

        void add(ShardTally.Sums s, double weight) {
            keys += weight * s.n;
            memory += weight * s.memory;
            n += s.n;
            rawMemory += s.memory;
            rawSquared += s.memorySquared;
        }

        void add(Group g) {
            keys += g.keys;
            memory += g.memory;
            n += g.n;
            rawMemory += g.rawMemory;
            rawSquared += g.rawSquared;
        }
    }

    private final List<ShardTally> shards;
    private final Group all = new Group();
    private final double fpc;
    private final boolean full;

    Estimate(List<ShardTally> shards, boolean full) {
        this.shards = shards;
        this.full = full;
        shards.forEach(s -> all.add(s.all, weight(s)));
        long population = shards.stream().mapToLong(s -> s.keys).sum();
        fpc = full || all.n >= population ? 0 : 1 - (double) all.n / population;
    }

    Analysis analysis(AnalysisSettings settings, long usedMemory, long millis) {
        List<Analysis.BigKey> biggest = shards.stream().flatMap(s -> s.biggest().stream())
                .sorted(Comparator.comparingLong(Analysis.BigKey::memory).reversed()).limit(settings.top()).toList();
        List<Analysis.BigKey> big = shards.stream().flatMap(s -> s.big().stream())
                .sorted(Comparator.comparingLong(Analysis.BigKey::memory).reversed()).toList();
        Map<String, Group> ttl = new LinkedHashMap<>();
        for (int band = 0; band < ShardTally.TTL_BANDS.length; band++) {
            Group g = ttl.computeIfAbsent(ShardTally.TTL_BANDS[band], k -> new Group());
            for (ShardTally s : shards) {
                g.add(s.ttl[band], weight(s));
            }
        }
        Map<String, Group> dbs = new LinkedHashMap<>();
        shards.stream().sorted(Comparator.comparingInt(s -> s.db))
                .forEach(s -> dbs.computeIfAbsent("db" + s.db, k -> new Group()).add(s.all, weight(s)));
        return new Analysis(fpc == 0, Math.round(all.keys), all.n, 0.95, usedMemory, Math.round(all.memory), millis,
                top(grouped(s -> s.namespaces), AnalysisSettings.NAMESPACES_SHOWN),
                top(grouped(s -> s.types), Integer.MAX_VALUE), groups(dbs), groups(ttl), biggest, big);
    }

    private Map<String, Group> grouped(Function<ShardTally, Map<String, ShardTally.Sums>> of) {
        Map<String, Group> groups = new LinkedHashMap<>();
        for (ShardTally s : shards) {
            of.apply(s).forEach((name, sums) -> groups.computeIfAbsent(name, k -> new Group()).add(sums, weight(s)));
        }
        return groups;
    }

    /** The {@code shown} groups taking the most memory, the rest as one "other" group. */
    private List<Analysis.Group> top(Map<String, Group> groups, int shown) {
        List<Map.Entry<String, Group>> sorted = new ArrayList<>(groups.entrySet());
        sorted.sort(Comparator.comparingDouble((Map.Entry<String, Group> e) -> e.getValue().memory).reversed()
                .thenComparing(Map.Entry::getKey));
        Map<String, Group> kept = new LinkedHashMap<>();
        Group other = new Group();
        for (int i = 0; i < sorted.size(); i++) {
            if (i < shown) {
                kept.put(sorted.get(i).getKey(), sorted.get(i).getValue());
            } else {
                other.add(sorted.get(i).getValue());
            }
        }
        if (other.n > 0) {
            kept.put(Namespaces.OTHER, other);
        }
        return groups(kept);
    }

    private List<Analysis.Group> groups(Map<String, Group> groups) {
        List<Analysis.Group> out = new ArrayList<>();
        groups.forEach((name, g) -> out.add(new Analysis.Group(name, Math.round(g.keys), share(g.keys, all.keys),
                keysError(g), Math.round(g.memory), share(g.memory, all.memory), memoryError(g))));
        return out;
    }

    /** Half-width of the 95% interval of a sample proportion. */
    private double keysError(Group g) {
        if (fpc == 0) {
            return 0;
        }
        double p = (double) g.n / all.n;
        return round(Z95 * Math.sqrt(p * (1 - p) / all.n * fpc));
    }

    /** Half-width of the 95% interval of a ratio estimate: the variance of d = m·(in group − R) over the mean memory. */
    private double memoryError(Group g) {
        if (fpc == 0) {
            return 0;
        }
        if (all.n < 2 || all.rawMemory <= 0) {
            return 1;
        }
        double r = g.rawMemory / all.rawMemory;
        double sumD2 = g.rawSquared * (1 - 2 * r) + r * r * all.rawSquared;
        double variance = Math.max(0, sumD2) / (all.n - 1);
        double meanMemory = all.rawMemory / all.n;
        return round(Z95 * Math.sqrt(variance / all.n * fpc) / meanMemory);
    }

    /** A full scan counts what it read; a sample stands for its db's key count (INFO's, which may include expired keys). */
    private double weight(ShardTally s) {
        return full ? 1 : s.all.n == 0 ? 0 : (double) Math.max(s.keys, s.all.n) / s.all.n;
    }

    private static double share(double part, double whole) {
        return whole <= 0 ? 0 : round(part / whole);
    }

    private static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
    }
}
