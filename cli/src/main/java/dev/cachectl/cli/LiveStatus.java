package dev.cachectl.cli;

import dev.cachectl.Cancellation;
import dev.cachectl.CachectlException;
import dev.cachectl.Environment;
import dev.cachectl.ExitCode;
import dev.cachectl.lifecycle.InstanceCatalog;
import dev.cachectl.lifecycle.InstanceRef;
import dev.cachectl.status.StatusReport;
import dev.cachectl.status.StatusService;
import dev.cachectl.status.live.LogView;
import dev.cachectl.status.live.ScreenView;
import dev.cachectl.status.live.Watch;
import dev.cachectl.status.live.WatchView;
import dev.cachectl.status.prometheus.MetricsServer;
import dev.cachectl.status.analyze.LastAnalyses;
import dev.cachectl.status.prometheus.NamespaceMemory;
import dev.cachectl.status.prometheus.PrometheusFormat;
import dev.cachectl.util.FileWrites;
import picocli.CommandLine;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.concurrent.CountDownLatch;

/**
 * The parts of {@code status} that go on or leave the terminal: {@code --watch}, {@code --prometheus},
 * {@code --prometheus-file} and {@code --serve}. A watch or a server ended by the user (q, Ctrl-C,
 * SIGTERM) exits 0: ending it is how it is used, not an interruption of work in progress.
 */
final class LiveStatus {
    private static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

    private final CachectlCommand.Context ctx;
    /** The instances as the config file says at each sample (a watch runs for hours while the file is edited). */
    private final Supplier<InstanceCatalog> catalogNow;
    private final Output output;
    private final CommandLine cli;
    private final Environment environment;
    private final Cancellation cancellation;

    LiveStatus(CachectlCommand.Context ctx, Supplier<InstanceCatalog> catalogNow, Output output, CommandLine cli,
               Environment environment, Cancellation cancellation) {
        this.cancellation = cancellation;
        this.ctx = ctx;
        this.catalogNow = catalogNow;
        this.output = output;
        this.cli = cli;
        this.environment = environment;
    }

    /** Memory per namespace from each instance's last {@code status --analyze}, for cachectl_namespace_memory_bytes. */
    NamespaceMemory namespaces() {
        return new LastAnalyses(ctx.home().root());
    }

    int run(List<String> targets, StatusCommand options) {
        if (options.watch && options.serve != null) {
            throw new CachectlException(ExitCode.USAGE, "--watch and --serve cannot be used together: run two cachectl status");
        }
        if ((options.watch || options.serve != null) && (options.prometheus || options.prometheusFile != null)) {
            throw new CachectlException(ExitCode.USAGE, (options.watch ? "--watch" : "--serve")
                    + " runs until stopped: --prometheus and --prometheus-file take one sample (run them from cron instead)");
        }
        if (output.json() && (options.watch || options.serve != null || options.prometheus)) {
            throw new CachectlException(ExitCode.USAGE, "--json cannot be combined with --watch, --serve or --prometheus");
        }
        if (options.interval != null && options.interval.isZero() && (options.watch || options.serve != null)) {
            throw new CachectlException(ExitCode.USAGE, "--interval must be longer than 0 with --watch or --serve");
        }
        List<InstanceRef> refs = resolve(targets, output::warn);
        StatusService service = new StatusService(ctx.states());
        Duration every = options.interval == null ? DEFAULT_INTERVAL : options.interval;
        if (options.serve != null || options.watch) {
            try (StatusService.Session session = service.session(roster(options.names.isEmpty() ? null : targets, refs), every)) {
                return options.watch ? watch(session, every) : serve(session, MetricsServer.bindAddress(options.serve), every);
            }
        }
        StatusReport report = service.collect(refs, options.interval);
        String text = PrometheusFormat.render(report, namespaces());
        if (options.prometheusFile != null) {
            writeFile(environment.workingDir().resolve(options.prometheusFile), text);
        }
        if (options.prometheus) {
            cli.getOut().print(text);
            cli.getOut().flush();
        }
        return report.exitCode().code();
    }

    private List<InstanceRef> resolve(List<String> names, Consumer<String> problem) {
        return names.stream().map(n -> ctx.catalog().resolveStarted(n, problem)).toList();
    }

    /**
     * The instances of each sample, resolved again every time, with the config file read again: without names
     * ({@code names} null) what a plain {@code status} would list then (new ones in, stopped ones out, instances added
     * to the file in), with names those, whatever became of them (one stopped and started again on another port is
     * followed there). The first sample's are those resolved already; each problem is told once (not once per sample),
     * an instance that can no longer be resolved is left out rather than ending the watch, and a config file that
     * cannot be read (saved half-way, say) leaves the last one read in use.
     */
    private Supplier<List<InstanceRef>> roster(List<String> names, List<InstanceRef> first) {
        Set<String> told = new HashSet<>();
        Consumer<String> once = problem -> {
            if (told.add(problem)) {
                output.warn(problem);
            }
        };
        AtomicReference<List<InstanceRef>> pending = new AtomicReference<>(first);
        AtomicReference<InstanceCatalog> lastRead = new AtomicReference<>(ctx.catalog());
        return () -> {
            List<InstanceRef> resolved = pending.getAndSet(null);
            if (resolved != null) {
                return resolved;
            }
            InstanceCatalog catalog = lastRead.get();
            try {
                catalog = catalogNow.get();
                lastRead.set(catalog);
            } catch (CachectlException e) {
                once.accept(e.getMessage() + " (the watch goes on with the config as read before)");
            }
            List<InstanceRef> refs = new ArrayList<>();
            for (String name : names == null ? catalog.knownNames() : names) {
                try {
                    refs.add(catalog.resolveStarted(name, once));
                } catch (CachectlException e) {
                    once.accept(e.getMessage());
                }
            }
            return refs;
        };
    }

    /**
     * Atomically, and readable by others: node_exporter usually runs as a user of its own. The file is what the
     * command was run for: one that cannot be written ("cannot write metrics file FILE: No space left on device")
     * is exit 1, and the file before it stays whole.
     */
    private static void writeFile(Path file, String text) {
        if (file.getParent() != null && !Files.isDirectory(file.toAbsolutePath().getParent())) {
            throw new CachectlException(ExitCode.USAGE, "--prometheus-file " + file + ": no such directory");
        }
        FileWrites.atomically(file, text, "metrics file ");
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (IOException | UnsupportedOperationException e) {
            // the file is written; only its owner can read it
        }
    }

    private int watch(StatusService.Session session, Duration every) {
        try (WatchView view = environment.terminal() ? ScreenView.open(every) : new LogView(cli.getOut())) {
            Watch watch = new Watch(session, every, view);
            try (Cancellation.Registration stop = cancellation.onCancel(reason -> watch.stop())) {
                watch.run();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ExitCode.DONE.code();
    }

    private int serve(StatusService.Session session, InetSocketAddress address, Duration every) {
        CountDownLatch stopped = new CountDownLatch(1);
        try (MetricsServer server = MetricsServer.start(address, () -> {
                 session.sample();
                 return PrometheusFormat.render(session.report(), namespaces());
             }, every);
             Cancellation.Registration stop = cancellation.onCancel(reason -> stopped.countDown())) {
            InetSocketAddress bound = server.address();
            String where = bound.getAddress().getHostAddress();
            where = where.contains(":") ? "[" + where + "]" : where;
            if (!bound.getAddress().isLoopbackAddress()) {
                output.warn("serving metrics beyond this machine, on " + where + ":" + bound.getPort() + " as asked");
            }
            output.note("serving metrics at http://" + where + ":" + bound.getPort() + "/metrics, sampled at most once per "
                    + dev.cachectl.util.Durations.format(every) + "; SIGTERM or Ctrl-C stops");
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ExitCode.DONE.code();
    }
}
