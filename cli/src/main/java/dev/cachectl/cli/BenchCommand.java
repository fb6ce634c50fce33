package dev.cachectl.cli;

import dev.cachectl.Cancellation;
import dev.cachectl.ExitCode;
import dev.cachectl.bench.BenchPlan;
import dev.cachectl.bench.BenchReport;
import dev.cachectl.bench.BenchService;
import dev.cachectl.bench.ColdStartBench;
import dev.cachectl.bench.EvictionBench;
import dev.cachectl.bench.KeyPattern;
import dev.cachectl.bench.Latency;
import dev.cachectl.bench.MapBench;
import dev.cachectl.bench.LoadShape;
import dev.cachectl.bench.Workload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code cachectl bench TARGET}: a GET/SET load generator with HdrHistogram percentiles. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Drive a GET/SET load against a Redis or a MongoDB (closed loop, or open loop with --rate) and report"
                + " throughput, latency percentiles per command, GET hit ratio, the client's CPU and the server's"
                + " counters: a table on stdout, --csv in redis-benchmark's columns, or --json. Writes only keys"
                + " under --key-prefix (MongoDB: documents {_id: key, v: value} in the URL's db.collection, else in"
                + " cachectl_bench.kv, dropped after the run).",
                "",
                "Exit 0: done; 1: the target is a replica (MongoDB: a secondary), or the run failed; 2: a bad option, or keys already under"
                + " the prefix (without --force); 3: the target is down; 4: some operations answered with an error;"
                + " 130: interrupted."})
public final class BenchCommand implements Callable<Integer> {

    @ParentCommand
    CachectlCommand top;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "TARGET", description = "The server to drive: an instance name, a redis:// or rediss:// (TLS) URL,"
            + " a redis+cluster:// URL, or a mongodb:// URL (its db.collection holds the documents; default"
            + " cachectl_bench.kv).")
    String target;

    @Option(names = "--ratio", paramLabel = "SET:GET", defaultValue = "1:10",
            description = "Mix of SETs to GETs (default: ${DEFAULT-VALUE}; 1:0 is SET only, 0:1 GET only).")
    String ratio;

    @Option(names = "--keys", paramLabel = "N", defaultValue = "100000", description = "Keys in the keyspace (default: ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--key-pattern", paramLabel = "PATTERN", defaultValue = "uniform",
            description = "How keys are picked: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    KeyPattern keyPattern;

    @Option(names = "--zipf-exponent", paramLabel = "S", defaultValue = "0.99",
            description = "Skew of --key-pattern zipf (default: ${DEFAULT-VALUE}).")
    double zipfExponent;

    @Option(names = "--key-prefix", paramLabel = "PREFIX", defaultValue = "bench:",
            description = "Every key written starts with this (default: ${DEFAULT-VALUE}).")
    String keyPrefix;

    @Option(names = "--data-size", paramLabel = "BYTES", defaultValue = "100", description = "Value size of SETs (default: ${DEFAULT-VALUE}).")
    int dataSize;

    @Option(names = "--data-size-range", paramLabel = "MIN-MAX", description = "Value sizes spread evenly over MIN-MAX bytes, e.g. 32-4096.")
    String dataSizeRange;

    @Option(names = "--clients", paramLabel = "N", defaultValue = "50", description = "Connections (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
            description = "I/O threads the connections are spread over (default: ${DEFAULT-VALUE}; Redis only: each MongoDB"
                    + " client is a thread).")
    int threads;

    @Option(names = "--pipeline", paramLabel = "N", defaultValue = "1",
            description = "Commands each connection sends before it waits for their replies (default: ${DEFAULT-VALUE}; Redis"
                    + " only).")
    int pipeline;

    @Option(names = {"-n", "--requests"}, paramLabel = "N",
            description = "Stop after N measured operations (default: 100000 unless --duration is given).")
    Long requests;

    @Option(names = "--duration", paramLabel = "DURATION", description = "Stop after this long, e.g. 30s (with --requests: whichever comes first).")
    Duration duration;

    @Option(names = "--warmup", paramLabel = "DURATION", defaultValue = "0s",
            description = "Run this long first without counting it (default: ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = "--rate", paramLabel = "OPS",
            description = "Open loop: schedule OPS operations per second; latency counts from each one's scheduled start.")
    Double rate;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seed of keys, mix and values (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--preload", negatable = true,
            description = "Write every key of the keyspace before the run (default: on when the mix has GETs).")
    Boolean preload;

    @Option(names = "--cleanup", description = "After the run, delete the keys bench names (--key-prefix and an index below --keys);"
            + " other keys under the prefix stay.")
    boolean cleanup;

    @Option(names = "--force", description = "Run even if the target already holds keys under --key-prefix (they may be overwritten).")
    boolean force;

    /** The modes, as typed (help and completion list them). */
    static final class Modes extends java.util.ArrayList<String> {
        Modes() {
            super(List.of("load", "eviction", "cold-start", "vs-map"));
        }
    }

    @Option(names = "--mode", paramLabel = "WORKLOAD", defaultValue = "load", completionCandidates = Modes.class,
            description = "load: drive TARGET (default); eviction: per --policies, a temporary instance capped at --maxmemory,"
                    + " driven as a read-through cache with Zipf keys, hit ratio against the ideal (TARGET is not used then:"
                    + " give any name); cold-start: start and stop --starts temporary instances, time to the"
                    + " first answer, and the break-even against --backend-latency; vs-map: the same mix against an"
                    + " in-process map, then against TARGET, side by side.")
    String mode;

    @Option(names = "--starts", paramLabel = "N", defaultValue = "3",
            description = "With --mode cold-start: how many times to start an instance (default: ${DEFAULT-VALUE}).")
    int starts;

    @Option(names = "--backend-latency", paramLabel = "DURATION", defaultValue = "5ms",
            description = "With --mode cold-start: what an operation costs without the cache (default: ${DEFAULT-VALUE}).")
    Duration backendLatency;

    @Option(names = "--backend", paramLabel = "URL",
            description = "With --mode cold-start: a Redis whose GET latency is measured instead of --backend-latency.")
    String backend;

    /** The policies --mode eviction compares, as typed (completion lists them). */
    static final class EvictingPolicies extends java.util.ArrayList<String> {
        EvictingPolicies() {
            super(EvictionBench.policies());
        }
    }

    @Option(names = "--policies", paramLabel = "POLICY", split = ",", completionCandidates = EvictingPolicies.class,
            description = "With --mode eviction: the maxmemory policies to compare, comma-separated (default: allkeys-lru,"
                    + " allkeys-lfu, allkeys-random, volatile-lru, volatile-ttl).")
    List<String> policies;

    @Option(names = "--maxmemory", paramLabel = "SIZE", converter = Converters.SizeConverter.class, defaultValue = "16mb",
            description = "With --mode eviction: each temporary instance's memory limit (default: ${DEFAULT-VALUE}).")
    Long maxmemory;

    @Option(names = "--maxmemory-samples", paramLabel = "N", description = "With --mode eviction: keys sampled per eviction (Redis default 5).")
    Integer maxmemorySamples;

    @Option(names = "--lfu-log-factor", paramLabel = "N", description = "With --mode eviction: the LFU counter's log factor (Redis default 10).")
    Integer lfuLogFactor;

    @Option(names = "--lfu-decay-time", paramLabel = "MINUTES", description = "With --mode eviction: the LFU counter's decay time (Redis default 1).")
    Integer lfuDecayTime;

    @Option(names = "--csv", description = "Print the results as CSV in redis-benchmark's --csv columns.")
    boolean csv;

    @Option(names = "--hdr-out", paramLabel = "FILE", description = "Write the latency histogram (all commands) as an HdrHistogram log.")
    Path hdrOut;

    @Override
    public Integer call() {
        CachectlCommand.Context ctx = top.context();
        Output output = new Output(spec.commandLine(), top);
        if (csv && output.json()) {
            throw dev.cachectl.CachectlException.usage("--csv and --json each print the whole result: pick one");
        }
        int[] mix = Workload.parseRatio(ratio);
        int[] sizes = dataSizeRange == null ? new int[]{dataSize, dataSize} : Workload.parseSizeRange(dataSizeRange);
        Workload workload = new Workload(mix[0], mix[1], keys, keyPattern, zipfExponent, keyPrefix, sizes[0], sizes[1], seed);
        long count = requests != null ? requests : duration == null ? 100_000 : 0;
        LoadShape shape = new LoadShape(clients, threads, pipeline, count, duration, warmup, LoadShape.rate(rate));
        Path hdr = hdrOut == null ? null : ctx.environment().workingDir().resolve(hdrOut);
        BenchPlan plan = new BenchPlan(target, workload, shape, preload != null ? preload : workload.hasGets(), cleanup,
                force, hdr);
        if (!new Modes().contains(mode)) {
            throw dev.cachectl.CachectlException.usage("--mode takes " + String.join(", ", new Modes()) + " (got '" + mode + "')");
        }
        if ((mode.equals("eviction") || mode.equals("cold-start")) && !target.equals("-")) {
            // TARGET is not used by these modes: one of an engine they do not apply to is refused, not ignored
            ctx.catalog().engineOf(target).bench().checkMode(mode);
        }
        if (mode.equals("cold-start")) {
            return coldStart(ctx, output);
        }
        BenchService service = new BenchService(ctx.catalog());
        if (mode.equals("vs-map")) {
            return vsMap(output, service, plan);
        }
        if (mode.equals("eviction")) {
            return eviction(ctx, output, service, workload, shape);
        }
        BenchReport report;
        try (Cancellation.Registration stop = top.cancellation().onCancel(service::cancel)) {
            report = service.run(plan, top.progressListener(spec.commandLine().getErr()));
        }
        if (output.json()) {
            output.printJson(report);
        } else if (csv) {
            csv(output, report);
        } else {
            table(output, report);
        }
        report.run().warnings().forEach(output::warn);
        if (report.message() != null) {
            output.error(report.message(), List.of());
        }
        return exit(report.outcome());
    }

    private Integer eviction(CachectlCommand.Context ctx, Output output, BenchService service, Workload workload, LoadShape shape) {
        Workload zipf = keyPattern == KeyPattern.uniform && !typed("--key-pattern")
                ? new Workload(0, 1, workload.keys(), KeyPattern.zipf, workload.zipfExponent(), workload.prefix(),
                workload.minSize(), workload.maxSize(), workload.seed()) : workload;
        EvictionBench.Plan plan = new EvictionBench.Plan(zipf, shape, policies == null ? EvictionBench.DEFAULT_POLICIES : policies,
                maxmemory, maxmemorySamples, lfuLogFactor, lfuDecayTime);
        EvictionBench.Report report;
        try (Cancellation.Registration stop = top.cancellation().onCancel(service::cancel)) {
            report = new EvictionBench(ctx.lifecycle(), service).run(plan, top.progressListener(spec.commandLine().getErr()));
        }
        if (output.json()) {
            output.printJson(report);
        } else {
            evictionTable(output, report);
        }
        if (report.message() != null) {
            output.error(report.message(), List.of());
        }
        return exit(report.outcome());
    }

    /** The outcomes every mode shares: interrupted (130), partial (4), else done. */
    private static int exit(String outcome) {
        return switch (outcome) {
            case "interrupted" -> ExitCode.INTERRUPTED.code();
            case "partial" -> ExitCode.PARTIAL.code();
            default -> ExitCode.DONE.code();
        };
    }

    private static void evictionTable(Output output, EvictionBench.Report report) {
        Table table = new Table("POLICY", "HIT_RATIO", "IDEAL", "EVICTIONS", "KEYS_HELD", "OPS/S", "ERRORS");
        for (EvictionBench.Policy p : report.policies()) {
            table.row(List.of(p.policy(), String.format(Locale.ROOT, "%.4f", p.hitRatio()),
                    String.format(Locale.ROOT, "%.4f", p.idealHitRatio()), Long.toString(p.evictions()),
                    Long.toString(p.keysHeld()), String.format(Locale.ROOT, "%.0f", p.opsPerSec()), Long.toString(p.errors())),
                    List.of());
        }
        table.render().forEach(output.out()::println);
        output.note("steady-state GET hit ratio from INFO after a warm-up of the same length; ideal: the share of requests"
                + " to the keys that fit (" + report.keys() + " keys, Zipf " + report.zipfExponent() + ", maxmemory "
                + dev.cachectl.util.Sizes.human(report.maxmemory()) + ")");
    }

    private Integer vsMap(Output output, BenchService service, BenchPlan plan) {
        MapBench.Report report;
        try (Cancellation.Registration stop = top.cancellation().onCancel(service::cancel)) {
            report = MapBench.run(service, plan, top.progressListener(spec.commandLine().getErr()));
        }
        if (output.json()) {
            output.printJson(report);
        } else {
            Table table = new Table("WHERE", "COMMAND", "OPS", "OPS/S", "AVG_MS", "P50", "P90", "P99", "P99.9", "P99.99", "MAX");
            List<Latency> map = new java.util.ArrayList<>(report.map());
            map.add(report.mapOverall());
            for (Latency l : map) {
                table.row(with("in-process map", cells(l, "")), List.of());
            }
            if (report.target() != null) {
                List<Latency> remote = new java.util.ArrayList<>(report.target().commands());
                remote.add(report.target().overall());
                for (Latency l : remote) {
                    table.row(with(report.target().configuration().target(), cells(l, "")), List.of());
                }
            }
            table.render().forEach(output.out()::println);
            if (report.target() == null) {
                output.note("interrupted while the map ran: " + plan.target() + " was not driven");
                return exit(report.outcome());
            }
            output.note("the map ran on " + report.mapThreads() + " thread(s) in this process; TARGET over "
                    + plan.shape().clients() + " connection(s): the difference is what a shared remote cache costs per operation");
        }
        return exit(report.outcome());
    }

    private static List<String> with(String first, List<String> rest) {
        List<String> row = new java.util.ArrayList<>();
        row.add(first);
        row.addAll(rest);
        return row;
    }

    private Integer coldStart(CachectlCommand.Context ctx, Output output) {
        dev.cachectl.config.Endpoint backendEndpoint = backend == null ? null : ctx.catalog().reachableEndpoint(backend);
        ColdStartBench bench = new ColdStartBench(ctx.lifecycle());
        ColdStartBench.Report report;
        try (Cancellation.Registration stop = top.cancellation().onCancel(bench::cancel)) {
            report = bench.run(starts, backendLatency, backendEndpoint, backend == null ? null : backendEndpoint.toString());
        }
        if (output.json()) {
            output.printJson(report);
            return exit(report.outcome());
        }
        Table table = new Table("START", "TO_FIRST_PONG_MS", "TO_FIRST_COMMAND_MS");
        for (ColdStartBench.Start st : report.starts()) {
            table.row(List.of(Integer.toString(st.start()), ms(st.toFirstPongMs()), ms(st.toFirstCommandMs())), List.of());
        }
        table.render().forEach(output.out()::println);
        if (report.savedPerOpMs() == null) {
            output.note("interrupted after " + report.starts().size() + " of " + starts + " starts: the break-even was not measured");
            return exit(report.outcome());
        }
        output.out().println("cache GET " + ms(report.cacheLatencyMs()) + " ms, backend " + ms(report.backendLatencyMs())
                + " ms (" + report.backend() + "): " + (report.breakEvenOps() == null ? "the cache never pays off"
                : "a start (median " + ms(report.medianToFirstCommandMs()) + " ms) pays off after " + report.breakEvenOps()
                + " operations"));
        return exit(report.outcome());
    }

    private boolean typed(String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    private static void csv(Output output, BenchReport report) {
        output.out().println("\"test\",\"rps\",\"avg_latency_ms\",\"min_latency_ms\",\"p50_latency_ms\",\"p95_latency_ms\","
                + "\"p99_latency_ms\",\"max_latency_ms\"");
        for (Latency l : report.commands()) {
            output.out().println(String.format(Locale.ROOT, "\"%s\",\"%.2f\",\"%.3f\",\"%.3f\",\"%.3f\",\"%.3f\",\"%.3f\",\"%.3f\"",
                    l.command(), l.opsPerSec(), l.avgMs(), l.minMs(), l.p50Ms(), l.p95Ms(), l.p99Ms(), l.maxMs()));
        }
    }

    private static void table(Output output, BenchReport report) {
        Table table = new Table("COMMAND", "OPS", "OPS/S", "AVG_MS", "P50", "P90", "P99", "P99.9", "P99.99", "MAX");
        for (Latency l : report.commands()) {
            table.row(cells(l, ""), List.of());
        }
        table.row(cells(report.overall(), ""), List.of());
        if (report.serviceTime() != null) {
            for (Latency l : report.serviceTime()) {
                table.row(cells(l, " (service)"), List.of());
            }
        }
        table.render().forEach(output.out()::println);
        BenchReport.Gets g = report.gets();
        if (g.hitRatio() != null) {
            output.out().println(String.format(Locale.ROOT, "GET hits %d, misses %d, hit ratio %.3f", g.hits(), g.misses(), g.hitRatio()));
        }
        if (report.openLoop() != null) {
            output.out().println(String.format(Locale.ROOT, "open loop: offered %.1f ops/s, achieved %.1f ops/s; latency counts"
                    + " from each operation's scheduled start, service time from its send", report.openLoop().offeredRate(),
                    report.openLoop().achievedRate()));
        }
        if (report.nodes().size() > 1) {
            output.out().println("masters: " + String.join(", ", report.nodes().stream().map(n -> String.format(Locale.ROOT,
                    "%s %.0f ops/s", n.address(), n.opsPerSec())).toList()) + (report.redirects() == 0 ? ""
                    : "; " + report.redirects() + " MOVED/ASK followed"));
        }
        var before = report.server().before();
        var after = report.server().after();
        output.out().println(String.format(Locale.ROOT, "server: %d commands, used memory %s -> %s, evictions %d, hits %d, misses %d",
                after.commandsProcessed() - before.commandsProcessed(), dev.cachectl.util.Sizes.human(before.usedMemory()),
                dev.cachectl.util.Sizes.human(after.usedMemory()), after.evictedKeys() - before.evictedKeys(),
                after.keyspaceHits() - before.keyspaceHits(), after.keyspaceMisses() - before.keyspaceMisses()));
        output.out().println(String.format(Locale.ROOT, "client: %.1f%% CPU over %.2fs, %d errors%s", report.run().clientCpuPercent(),
                report.run().elapsedSeconds(), report.errors(), report.run().cleanedUpKeys() == null ? ""
                        : ", " + report.run().cleanedUpKeys() + " keys cleaned up"));
    }

    private static List<String> cells(Latency l, String suffix) {
        return List.of(l.command() + suffix, Long.toString(l.count()), String.format(Locale.ROOT, "%.0f", l.opsPerSec()),
                ms(l.avgMs()), ms(l.p50Ms()), ms(l.p90Ms()), ms(l.p99Ms()), ms(l.p999Ms()), ms(l.p9999Ms()), ms(l.maxMs()));
    }

    private static String ms(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
