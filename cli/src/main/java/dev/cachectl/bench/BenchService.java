package dev.cachectl.bench;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.config.Endpoint;
import dev.cachectl.lifecycle.InstanceCatalog;
import dev.cachectl.lifecycle.InstanceRef;
import dev.cachectl.progress.ProgressListener;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a benchmark: checks the target may be written to, preloads the keyspace, drives the load
 * while sampling progress every second, and gathers histograms, counters and the server's view.
 */
public final class BenchService {
    /** Above this share of a core per I/O thread, the client, not the server, probably set the pace. */
    public static final double CLIENT_BOUND_CPU = 85;

    private final InstanceCatalog catalog;
    private volatile LoadRun current;
    private volatile String cancelled;

    public BenchService(InstanceCatalog catalog) {
        this.catalog = catalog;
    }

    /** Stops the run in progress (Ctrl-C, for {@code why}); what was measured is still reported. */
    public void cancel(String why) {
        cancelled = why;
        LoadRun run = current;
        if (run != null) {
            run.stop();
        }
    }

    /** Why the run was cancelled ("interrupted by SIGINT"), or null: the other modes stop their loops on it too. */
    public String cancelled() {
        return cancelled;
    }

    public BenchReport run(BenchPlan plan, ProgressListener progress) {
        if (plan.hdrOut() != null) {
            checkWritable(plan.hdrOut());
        }
        try (BenchTarget target = open(plan)) {
            String refusal = target.refusal();
            if (refusal != null) {
                throw CachectlException.failed(refusal);
            }
            String prefix = plan.workload().prefix();
            long existing = target.keysUnder(prefix);
            if (existing > 0 && !plan.force()) {
                throw CachectlException.usage(target.label() + " already holds " + existing + " key" + (existing == 1 ? "" : "s")
                        + " under '" + prefix + "': choose another --key-prefix, or --force to write over them");
            }
            try {
                return measure(plan, target, progress);
            } catch (KeysLeft e) {
                throw e;
            } catch (CachectlException e) {
                if (e.exitCode() == ExitCode.DOWN && wrote(plan)) {
                    // a server lost mid-run (a cluster's master): the keys written so far must not go unmentioned
                    throw new CachectlException(e.exitCode(), e.getMessage() + "; " + afterLoss(target, plan), e.details(), e);
                }
                if (plan.cleanup()) {
                    cleanUpAfterFailure(target, plan);
                }
                throw e;
            } catch (RuntimeException e) {
                if (plan.cleanup()) {
                    cleanUpAfterFailure(target, plan);
                }
                throw e;
            }
        }
    }

    /** A clean-up that could not reach every server: already says which keys are left, and how to remove them. */
    private static final class KeysLeft extends CachectlException {
        KeysLeft(String message) {
            super(ExitCode.DOWN, message);
        }
    }

    /** Best effort: the failure that got us here is what the operator needs to hear about. */
    private static void cleanUpAfterFailure(BenchTarget target, BenchPlan plan) {
        try {
            cleanUp(target, plan);
        } catch (RuntimeException ignored) {
            // the target may be what failed
        }
    }

    private static boolean wrote(BenchPlan plan) {
        return plan.preload() || plan.workload().hasSets();
    }

    /** Removes the keys the run could have written: none when it wrote none (GETs only, no preload). */
    private static long cleanUp(BenchTarget target, BenchPlan plan) {
        if (!wrote(plan)) {
            return 0;
        }
        BenchTarget.Cleanup cleanup = target.delete(plan.workload());
        if (!cleanup.unreachable().isEmpty()) {
            throw new KeysLeft(target.label() + ": " + String.join(", ", cleanup.unreachable()) + " did not answer the clean-up ("
                    + cleanup.removed() + " bench keys removed elsewhere): the bench keys there are left; " + removal(target, plan));
        }
        return cleanup.removed();
    }

    /** After a lost server: with --cleanup, what the servers that still answer let us remove; what is left, and how to remove it. */
    private static String afterLoss(BenchTarget target, BenchPlan plan) {
        String prefix = plan.workload().prefix();
        if (!plan.cleanup()) {
            return "bench keys under '" + prefix + "' are left on " + target.label() + ": " + removal(target, plan);
        }
        BenchTarget.Cleanup cleanup;
        try {
            cleanup = target.delete(plan.workload());
        } catch (RuntimeException e) {
            cleanup = new BenchTarget.Cleanup(0, target.nodes());
        }
        if (cleanup.unreachable().isEmpty()) {
            return "--cleanup removed " + cleanup.removed() + " bench keys";
        }
        return "--cleanup removed " + cleanup.removed() + " bench keys from the servers that answered; those under '" + prefix
                + "' on " + String.join(", ", cleanup.unreachable()) + " are left: " + removal(target, plan);
    }

    /** The command that removes exactly bench's key names, once every server answers. */
    private static String removal(BenchTarget target, BenchPlan plan) {
        return "once every server answers, remove them with: cachectl bench " + target.label() + " --key-prefix "
                + plan.workload().prefix() + " --keys " + plan.workload().keys()
                + " --ratio 1:0 --requests 1 --clients 1 --no-preload --force --cleanup";
    }

    /** The target through its engine's {@link Bench}: a managed instance's engine is its state's while it runs, else its config's. */
    private BenchTarget open(BenchPlan plan) {
        String nameOrUrl = plan.target();
        InstanceRef ref = catalog.resolve(nameOrUrl);
        Bench bench = catalog.engineOf(nameOrUrl).bench();
        bench.check(plan);
        Endpoint endpoint = catalog.reachableEndpoint(nameOrUrl);
        String label = ref instanceof InstanceRef.External ext && nameOrUrl.contains("://") ? ext.endpoint().toString() : ref.name();
        return bench.open(label, endpoint, plan);
    }

    private BenchReport measure(BenchPlan plan, BenchTarget target, ProgressListener progress) {
        Workload workload = plan.workload();
        LoadShape shape = plan.shape();
        long preloaded = 0;
        if (plan.preload()) {
            LoadShape fill = target.preloadShape(shape, workload.keys());
            LoadRun run = start(fill, target);
            target.drive(workload.preload(), fill, run);
            checkFailure(target, run);
            preloaded = run.completed();
        }
        ServerView before = target.view();
        String startedAt = Instant.now().toString();
        long cpuBefore = cpuNanos();
        LoadRun run = start(shape, target);
        List<BenchReport.Second> series = new ArrayList<>();
        Thread sampler = sampler(run, shape, progress, series);
        try {
            target.drive(workload, shape, run);
        } finally {
            sampler.interrupt();
            join(sampler);
            progress.finished();
            current = null;
        }
        long endNanos = System.nanoTime();
        long cpu = cpuNanos() - cpuBefore;
        checkFailure(target, run);
        ServerView after = target.view();
        Long cleaned = plan.cleanup() ? cleanUp(target, plan) : null;
        double measured = Math.max(1e-9, (endNanos - Math.min(endNanos, run.measureFromNanos)) / 1e9);
        return report(plan, target, run, measured, (endNanos - run.startNanos) / 1e9, cpu, preloaded, cleaned, startedAt, series,
                before, after);
    }

    /** What one drive for another mode measured: its seconds, and the operations answered with an error. */
    record Drive(double seconds, long errors, String firstError) {
    }

    /** One drive of {@code target}, for another mode. A lost connection is exit 3. */
    Drive drive(BenchTarget target, Workload workload, LoadShape shape, ProgressListener progress) {
        LoadRun run = start(shape, target);
        progress.started("bench " + target.label(), shape.requests() == 0 ? -1 : shape.requests());
        try {
            target.drive(workload, shape, run);
        } finally {
            progress.advanced(run.completed(), 0);
            progress.finished();
            current = null;
        }
        checkFailure(target, run);
        double seconds = Math.max(1e-9, (System.nanoTime() - run.measureFromNanos) / 1e9);
        String firstError = null;
        for (ThreadStats st : run.stats) {
            firstError = firstError == null ? st.firstError : firstError;
        }
        return new Drive(seconds, run.errors(), firstError);
    }

    private LoadRun start(LoadShape shape, BenchTarget target) {
        LoadRun run = new LoadRun(shape, target.workers(shape), target.nodes().size());
        current = run;
        if (cancelled != null) {
            run.stop();
        }
        return run;
    }

    private static void checkFailure(BenchTarget target, LoadRun run) {
        if (run.failure() != null) {
            throw new CachectlException(ExitCode.DOWN, target.label() + ": " + run.failure() + " after "
                    + run.completed() + " operations");
        }
    }

    /** Once a second: the ops of that second into the series, and to the progress listener. */
    private static Thread sampler(LoadRun run, LoadShape shape, ProgressListener progress, List<BenchReport.Second> series) {
        progress.started("bench", shape.requests() == 0 ? -1 : shape.requests());
        Thread t = new Thread(() -> {
            long lastOps = 0;
            long lastErrors = 0;
            long next = run.measureFromNanos;
            int second = 0;
            while (true) {
                next += 1_000_000_000L;
                long wait = next - System.nanoTime();
                try {
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                } catch (InterruptedException e) {
                    return;
                }
                long ops = run.completed();
                long errors = run.errors();
                synchronized (series) {
                    series.add(new BenchReport.Second(++second, ops - lastOps, errors - lastErrors));
                }
                progress.advanced(ops - lastOps, 0);
                lastOps = ops;
                lastErrors = errors;
            }
        }, "bench-sampler");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Waits for {@code t} to end, even when interrupted (the interruption is kept). */
    static void join(Thread t) {
        boolean interrupted = false;
        while (t.isAlive()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static long cpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
    }

    private BenchReport report(BenchPlan plan, BenchTarget target, LoadRun run, double seconds, double elapsed, long cpu,
                               long preloaded, Long cleaned, String startedAt, List<BenchReport.Second> series, ServerView before,
                               ServerView after) {
        List<String> addresses = target.nodes();
        Histogram[] latency = {ThreadStats.histogram(), ThreadStats.histogram()};
        Histogram[] service = {ThreadStats.histogram(), ThreadStats.histogram()};
        long hits = 0;
        long misses = 0;
        long errors = 0;
        String firstError = null;
        long redirects = 0;
        long[] perNode = new long[addresses.size()];
        for (ThreadStats s : run.stats) {
            redirects += s.redirects;
            for (int n = 0; n < perNode.length; n++) {
                perNode[n] += s.perNode[n];
            }
            for (int k = 0; k < 2; k++) {
                latency[k].add(s.latency[k]);
                service[k].add(s.service[k]);
            }
            hits += s.hits;
            misses += s.misses;
            errors += s.errors;
            firstError = firstError == null ? s.firstError : firstError;
        }
        Histogram all = ThreadStats.histogram();
        all.add(latency[0]);
        all.add(latency[1]);
        List<Latency> commands = perCommand(latency, seconds);
        LoadShape shape = plan.shape();
        List<Latency> serviceTime = shape.openLoop() ? perCommand(service, seconds) : null;
        if (serviceTime != null) {
            Histogram allService = ThreadStats.histogram();
            allService.add(service[0]);
            allService.add(service[1]);
            serviceTime.add(Latency.of("ALL", allService, seconds));
        }
        double cpuPercent = Math.round(cpu / 1e7 / Math.max(elapsed, 1e-9) * 10) / 10.0;
        String bound = shape.openLoop() ? null : target.clientBound(cpuPercent, shape);
        boolean clientBound = bound != null;
        List<String> warnings = new ArrayList<>();
        if (clientBound) {
            warnings.add(bound);
        }
        if (plan.workload().hasGets() && hits == 0 && misses > 0) {
            warnings.add("every GET missed: the run measured misses (preload the keyspace with --preload)");
        }
        if (plan.hdrOut() != null) {
            writeHdr(plan, all, run);
        }
        BenchReport.OpenLoop openLoop = shape.openLoop()
                ? new BenchReport.OpenLoop(shape.rate(), Math.round(all.getTotalCount() / seconds * 100) / 100.0) : null;
        String outcome = cancelled != null ? "interrupted" : errors > 0 ? "partial" : "completed";
        String message = errors > 0 ? errors + " operations answered with an error, the first: " + firstError : null;
        return new BenchReport(outcome, message, configuration(plan), new BenchReport.Run(startedAt,
                Math.round(elapsed * 1000) / 1000.0, preloaded, cleaned,
                cpuPercent, clientBound, warnings), commands, Latency.of("ALL", all, seconds), serviceTime,
                new BenchReport.Gets(hits, misses, hits + misses == 0 ? null : (double) hits / (hits + misses)),
                errors, firstError, openLoop, List.copyOf(series), nodes(addresses, perNode, seconds), redirects,
                new BenchReport.Server(before, after));
    }

    private static List<BenchReport.Node> nodes(List<String> addresses, long[] ops, double seconds) {
        List<BenchReport.Node> nodes = new ArrayList<>();
        for (int n = 0; n < ops.length; n++) {
            nodes.add(new BenchReport.Node(addresses.get(n), ops[n], Math.round(ops[n] / seconds * 100) / 100.0));
        }
        return nodes;
    }

    private static List<Latency> perCommand(Histogram[] h, double seconds) {
        List<Latency> list = new ArrayList<>();
        if (h[RedisLoadLoop.SET].getTotalCount() > 0) {
            list.add(Latency.of("SET", h[RedisLoadLoop.SET], seconds));
        }
        if (h[RedisLoadLoop.GET].getTotalCount() > 0) {
            list.add(Latency.of("GET", h[RedisLoadLoop.GET], seconds));
        }
        return list;
    }

    private static void writeHdr(BenchPlan plan, Histogram all, LoadRun run) {
        try (PrintStream out = new PrintStream(java.nio.file.Files.newOutputStream(plan.hdrOut()), false, "UTF-8")) {
            HistogramLogWriter writer = new HistogramLogWriter(out);
            writer.outputLogFormatVersion();
            writer.outputComment("cachectl bench " + plan.target() + ", latency in microseconds");
            writer.outputLegend();
            all.setStartTimeStamp(System.currentTimeMillis() - (System.nanoTime() - run.measureFromNanos) / 1_000_000);
            all.setEndTimeStamp(System.currentTimeMillis());
            writer.outputIntervalHistogram(all);
        } catch (IOException e) {
            throw CachectlException.failed("cannot write the histogram log " + plan.hdrOut() + ": " + why(e), e);
        }
    }

    /** Before the run: a histogram log that cannot be written would otherwise lose the results after it. */
    private static void checkWritable(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        String problem = null;
        if (Files.isDirectory(file)) {
            problem = "it is a directory";
        } else if (parent == null || !Files.isDirectory(parent)) {
            problem = "no directory " + parent;
        } else if (Files.exists(file) ? !Files.isWritable(file) : !Files.isWritable(parent)) {
            problem = "permission denied";
        }
        if (problem != null) {
            throw CachectlException.usage("cannot write the histogram log " + file + " (--hdr-out): " + problem);
        }
    }

    private static String why(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        String reason = CachectlException.withoutJavaNames(e.getMessage());
        return reason.isEmpty() ? "I/O error" : reason;
    }

    private static BenchReport.Configuration configuration(BenchPlan plan) {
        Workload w = plan.workload();
        LoadShape s = plan.shape();
        return new BenchReport.Configuration(plan.target(), w.setWeight() + ":" + w.getWeight(), w.keys(), w.pattern().name(),
                w.zipfExponent(), w.prefix(), w.minSize(), w.maxSize(), s.clients(), s.threads(), s.pipeline(),
                s.requests(), s.duration() == null ? null : s.duration().toMillis() / 1000.0, s.warmup().toMillis() / 1000.0,
                s.openLoop() ? s.rate() : null, w.seed(), plan.preload(), plan.cleanup());
    }
}
