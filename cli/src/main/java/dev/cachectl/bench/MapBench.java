package dev.cachectl.bench;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code bench --mode vs-map}: the workload against an in-process {@link ConcurrentHashMap}, for the
 * same figures as the Redis run beside it: what replacing an application's map with a shared cache
 * costs per operation. One thread per client, up to the cores there are.
 */
public final class MapBench {

    /** {@code target} is null when the run was interrupted (Ctrl-C) before TARGET was driven. */
    public record Report(String outcome, String mode, int mapThreads, List<Latency> map, Latency mapOverall,
                         BenchReport target) {
    }

    /** Operations between two looks at whether the run was cancelled: a look costs next to nothing then. */
    private static final int CHECK_EVERY = 1024;

    /**
     * Runs {@code workload} against a map, then {@code plan} against its target; a cancelled {@code service}
     * (Ctrl-C) stops the map's threads too, and then TARGET is not driven.
     */
    public static Report run(BenchService service, BenchPlan plan, dev.cachectl.progress.ProgressListener progress) {
        Workload w = plan.workload();
        int threads = Math.max(1, Math.min(plan.shape().clients(), Runtime.getRuntime().availableProcessors()));
        String[] keys = new String[w.keys()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = w.key(i);
        }
        byte[] value = new byte[w.maxSize()];
        ConcurrentHashMap<String, byte[]> map = new ConcurrentHashMap<>();
        if (plan.preload()) {
            for (String k : keys) {
                map.put(k, value);
            }
        }
        Zipf zipf = w.pattern() == KeyPattern.zipf ? new Zipf(w.keys(), w.zipfExponent()) : null;
        long requests = plan.shape().requests() == 0 ? 1_000_000 : plan.shape().requests();
        Histogram[][] perThread = new Histogram[threads][];
        List<Thread> workers = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            Histogram[] h = {ThreadStats.histogram(), ThreadStats.histogram()};
            perThread[t] = h;
            long quota = requests / threads + (t < requests % threads ? 1 : 0);
            int thread = t;
            workers.add(new Thread(() -> drive(map, keys, value, w, zipf, quota, thread, threads, h, service), "bench-map-" + t));
        }
        workers.forEach(Thread::start);
        // the workers stop on the cancelled service, promptly: waiting for them is never long
        workers.forEach(BenchService::join);
        double seconds = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
        Histogram set = ThreadStats.histogram();
        Histogram get = ThreadStats.histogram();
        for (Histogram[] h : perThread) {
            set.add(h[0]);
            get.add(h[1]);
        }
        List<Latency> rows = new ArrayList<>();
        if (set.getTotalCount() > 0) {
            rows.add(Latency.of("SET", set, seconds));
        }
        if (get.getTotalCount() > 0) {
            rows.add(Latency.of("GET", get, seconds));
        }
        Histogram all = ThreadStats.histogram();
        all.add(set);
        all.add(get);
        Latency overall = Latency.of("ALL", all, seconds);
        if (service.cancelled() != null) {
            return new Report("interrupted", "vs-map", threads, rows, overall, null);
        }
        BenchReport target = service.run(plan, progress);
        return new Report(target.outcome(), "vs-map", threads, rows, overall, target);
    }

    private static void drive(ConcurrentHashMap<String, byte[]> map, String[] keys, byte[] value, Workload w, Zipf zipf,
                              long quota, int thread, int threads, Histogram[] h, BenchService service) {
        SplittableRandom random = new SplittableRandom(w.seed() * 31 + thread);
        double setShare = (double) w.setWeight() / (w.setWeight() + w.getWeight());
        long sequence = thread;
        for (long i = 0; i < quota; i++) {
            if (i % CHECK_EVERY == 0 && service.cancelled() != null) {
                return;
            }
            int index = switch (w.pattern()) {
                case uniform -> random.nextInt(keys.length);
                case zipf -> zipf.sample(random.nextDouble());
                case sequential -> (int) (sequence++ * threads % keys.length);
            };
            boolean set = random.nextDouble() < setShare;
            long t0 = System.nanoTime();
            if (set) {
                map.put(keys[index], value);
            } else {
                map.get(keys[index]);
            }
            // sub-microsecond operations: recorded in nanoseconds' worth of a microsecond floor would all be 0
            h[set ? 0 : 1].recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
        }
    }

    private MapBench() {
    }
}
