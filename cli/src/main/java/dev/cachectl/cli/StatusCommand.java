package dev.cachectl.cli;

import dev.cachectl.engine.Engines;
import dev.cachectl.lifecycle.InstanceRef;
import dev.cachectl.status.InstanceStatus;
import dev.cachectl.status.NodeStatus;
import dev.cachectl.status.StatusReport;
import dev.cachectl.status.StatusService;
import dev.cachectl.status.advice.AdvisedReport;
import dev.cachectl.status.advice.Advisor;
import dev.cachectl.status.analyze.Analyses;
import dev.cachectl.status.analyze.Analysis;
import dev.cachectl.util.Decimals;
import dev.cachectl.util.Durations;
import dev.cachectl.util.Sizes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code cachectl status [NAME…]}: health and metrics of managed and external instances; exit 3 when any is down. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show whether instances are up, with memory, keys, hit ratio, evictions, traffic and idle time.",
                "Exit code 3 when any instance asked about is down or unreachable."})
public final class StatusCommand implements Callable<Integer> {

    @ParentCommand
    CachectlCommand top;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", arity = "0..*",
            description = "Instance names or redis:// URLs (default: every configured, running or REDIS_*_URL instance).")
    List<String> names = new ArrayList<>();

    @Option(names = "--interval", paramLabel = "DURATION",
            description = {"Sample twice this far apart and report hit ratio and ops/s over the interval, e.g. 5s.",
                    "With --watch: how often to sample; with --serve: at most one sample this often (default 1s)."})
    Duration interval;

    @Option(names = "--watch", description = {"Sample every --interval until stopped: a full-screen view on a terminal "
            + "(q quits, s changes the sort), one log line per instance per sample otherwise.", "Exit 0 when stopped by q, Ctrl-C or SIGTERM."})
    boolean watch;

    @Option(names = "--prometheus", description = "Print the metrics in the Prometheus text format (redis_exporter's names).")
    boolean prometheus;

    @Option(names = "--prometheus-file", paramLabel = "PATH",
            description = "Write the metrics in the Prometheus text format to PATH, atomically (node_exporter's textfile collector).")
    Path prometheusFile;

    @Option(names = "--serve", paramLabel = "[HOST:]PORT",
            description = {"Serve the metrics at http://HOST:PORT/metrics until SIGTERM or Ctrl-C (host 127.0.0.1 when left out).",
                    "Beyond loopback only on an IP address written out, e.g. 0.0.0.0:9121."})
    String serve;

    @Mixin
    AnalyzeOptions analyze = new AnalyzeOptions();

    @Option(names = "--check", description = {"Print one line per finding of the advice rules and exit 0 when healthy, "
            + "4 on warnings, 3 when an instance is down: for cron, CI or a monitoring check."})
    boolean check;

    @Override
    public Integer call() {
        CachectlCommand.Context ctx = top.context();
        Output output = new Output(spec.commandLine(), top);
        analyze.refuseIdle(spec.commandLine().getParseResult());
        List<String> targets = names.isEmpty() ? ctx.catalog().knownNames() : names;
        if (watch || serve != null || prometheus || prometheusFile != null) {
            return new LiveStatus(ctx, top::catalogNow, output, spec.commandLine(), top.environment(), top.cancellation())
                    .run(targets, this);
        }
        List<InstanceRef> refs = targets.stream().map(n -> ctx.catalog().resolveStarted(n, output::warn)).toList();
        // analysed first, so that the hits its reads cause are in the ledger status discounts
        Map<String, Analysis> analyses = analyze.enabled()
                ? Analyses.of(refs, ctx.states(), analyze.settings(), (name, problem) -> output.warn(problem)) : Map.of();
        AdvisedReport advised = AdvisedReport.of(new StatusService(ctx.states()).collect(refs, interval),
                Advisor.standard(ctx.config().groups()), analyses, analyze.enabled());
        StatusReport report = advised.report();
        if (output.json()) {
            output.printJson(advised);
        } else if (check) {
            AdviceText.check(output, advised);
        } else if (report.instances().isEmpty()) {
            output.note("no instances: start one with 'cachectl start', or name one in cachectl.yaml or REDIS_URL");
        } else {
            render(output, report);
            analyses.forEach((name, a) -> AnalysisText.render(name, a).forEach(l -> output.line(l)));
            AdviceText.findings(output, advised.findings());
        }
        return (check ? advised.checkCode() : report.exitCode()).code();
    }

    private void render(Output output, StatusReport report) {
        Table table = new Table("NAME", "STATE", "PID", "PORT", "VERSION", "UPTIME", "ROLE", "MEMORY", "FRAG",
                "KEYS", "EXPIRING", "HIT%", "EVICTED", "OPS/S", "CLIENTS", "IDLE");
        List<Boolean> up = new ArrayList<>();
        for (InstanceStatus s : report.instances()) {
            up.add(s.up());
            List<String> notes = new ArrayList<>();
            if (!s.up()) {
                notes.add(s.error());
            }
            InstanceStatus.Identity id = s.identity();
            String where = (Engines.defaultEngine().name().equals(id.engine()) ? ""
                    : id.engine() + ("embedded".equals(id.binarySource()) ? " (embedded)  " : "  "))
                    + (id.binary() != null ? "binary " + id.binary() + " (" + id.binarySource() + ")  " : "");
            if (id.url() != null) {
                notes.add(where + id.kind() + " " + id.url());
            }
            if (s.up()) {
                notes.addAll(s.details().lines());
            }
            if (s.nodes() != null) {
                s.nodes().forEach(n -> notes.add(node(n)));
            }
            if (s.idle().idleTimeoutNotEnforced() != null) {
                notes.add(s.idle().idleTimeoutNotEnforced());
            }
            if (s.server().hitRatioInterval() != null) {
                notes.add("over the last " + Durations.format(interval) + ": hit ratio " + percent(s.server().hitRatioInterval())
                        + ", " + s.opsPerSec() + " ops/s");
            }
            table.row(List.of(
                    s.name(),
                    s.up() ? "up" : "down",
                    text(s.identity().pid()),
                    text(s.identity().port()),
                    text(s.server().version()),
                    s.server().uptimeSeconds() == null ? "-" : Durations.format(Duration.ofSeconds(s.server().uptimeSeconds())),
                    text(s.details().role()),
                    memory(s),
                    s.details().fragmentation() == null ? "-" : Decimals.fixed(s.details().fragmentation(), 2),
                    text(s.keys()),
                    text(s.details().expiringKeys()),
                    s.server().hitRatio() == null ? "-" : percent(s.server().hitRatio()),
                    text(s.evictions()),
                    s.opsPerSec() == null ? "-" : Decimals.fixed(s.opsPerSec(), 0),
                    text(s.server().clients()),
                    idle(s)), notes);
        }
        List<String> lines = table.render();
        output.line("@|bold " + lines.get(0) + "|@");
        int row = -1;
        for (String line : lines.subList(1, lines.size())) {
            if (!line.startsWith("  ")) {
                row++;
                String colour = up.get(row) ? "green" : "red";
                String state = up.get(row) ? "up" : "down";
                int at = line.indexOf("  " + state + " ");
                if (at >= 0) {
                    line = line.substring(0, at + 2) + "@|" + colour + " " + state + "|@" + line.substring(at + 2 + state.length());
                }
                output.line(line);
            } else {
                output.line("@|faint " + line + "|@");
            }
        }
    }

    /** One line per cluster node, under the instance's row. */
    private static String node(NodeStatus n) {
        String role = n.replicaOf() == null ? n.role() : n.role() + " of " + n.replicaOf();
        String detail = n.up()
                ? "cluster_state " + text(n.clusterState()) + "  keys " + text(n.keys()) + "  memory "
                + (n.usedMemory() == null ? "-" : Sizes.human(n.usedMemory())) + (n.error() == null ? "" : "  " + n.error())
                : n.error();
        // an external node has no pid of ours
        String pid = n.pid() == null ? "" : String.format(Locale.ROOT, "pid %-7d  ", n.pid());
        return String.format(Locale.ROOT, "node %-21s  %-16s  %s%-4s  %s", n.host() + ":" + n.port(), role, pid,
                n.up() ? "up" : "down", detail);
    }

    private static String memory(InstanceStatus s) {
        if (s.usedMemory() == null) {
            return "-";
        }
        String used = Sizes.human(s.usedMemory());
        return s.maxmemory() == null || s.maxmemory() == 0 ? used
                : used + "/" + Sizes.human(s.maxmemory()) + " (" + Decimals.fixed(s.server().memoryPct(), 0) + "%)";
    }

    private static String idle(InstanceStatus s) {
        String idle = s.idle().idleSeconds() == null ? "-" : Durations.format(Duration.ofSeconds(s.idle().idleSeconds()));
        return s.idle().idleTimeoutSeconds() == null ? idle : idle + "/" + Durations.format(Duration.ofSeconds(s.idle().idleTimeoutSeconds()));
    }

    private static String percent(double ratio) {
        return Decimals.fixed(ratio * 100, 1) + "%";
    }

    private static String text(Object o) {
        return o == null ? "-" : o.toString();
    }
}
