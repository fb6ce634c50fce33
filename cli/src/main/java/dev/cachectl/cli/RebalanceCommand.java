package dev.cachectl.cli;

import dev.cachectl.Cancellation;
import dev.cachectl.CachectlException;
import dev.cachectl.config.Endpoint;
import dev.cachectl.rebalance.cluster.ClusterRebalancer;
import dev.cachectl.rebalance.cluster.ClusterRequest;
import dev.cachectl.rebalance.cluster.RebalanceReport;
import dev.cachectl.rebalance.group.GroupRebalance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code cachectl rebalance TARGET}: a Redis Cluster (a managed cluster or a redis+cluster:// URL) goes to
 * {@link ClusterRebalancer}; a configured group of standalone instances goes to the group rebalancer.
 */
@Command(name = "rebalance", mixinStandardHelpOptions = true,
        description = {"Even out memory across a Redis Cluster's masters by moving whole slots, weighted by measured bytes, "
                + "or across a group of standalone instances (a group in the config) by moving whole key categories.",
                "Prints the plan by default; --apply carries it out (a cluster: with its own slot migration; "
                        + "a group: with migrate, then records the new layout)."})
public final class RebalanceCommand implements Callable<Integer> {

    @ParentCommand
    CachectlCommand top;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TARGET", description = "A managed cluster's name, a redis+cluster:// URL, or a group from cachectl.yaml.")
    String target;

    @Option(names = "--plan", description = "Print the moves without making them (the default).")
    boolean plan;

    @Option(names = "--apply", description = "Carry the plan out, then verify the cluster.")
    boolean apply;

    @Option(names = "--threshold", paramLabel = "PERCENT", defaultValue = "5%",
            description = "Stop once every master is within this of its share of the memory (default: ${DEFAULT-VALUE}).")
    String threshold;

    @Option(names = "--weight", paramLabel = "NODE=W",
            description = "A master's weight (HOST:PORT or node id; default 1), e.g. 127.0.0.1:7001=2 (repeatable).")
    List<String> weights = new ArrayList<>();

    @Option(names = "--drain", paramLabel = "NODE", description = "Move every slot off this master (HOST:PORT or node id; repeatable).")
    List<String> drain = new ArrayList<>();

    @Option(names = "--by", paramLabel = "WHAT", defaultValue = "memory",
            description = "memory (measured bytes) or slots (slot counts, as redis-cli does) (default: ${DEFAULT-VALUE}).")
    ClusterRequest.By by;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "16",
            description = "Keys per slot whose MEMORY USAGE is sampled (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--pipeline", paramLabel = "N", defaultValue = "100",
            description = "Keys per MIGRATE (default: ${DEFAULT-VALUE}).")
    int pipeline;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5s",
            description = "MIGRATE timeout; a key too big to move within it is copied in chunks (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--rate", paramLabel = "SIZE", converter = Converters.SizeConverter.class,
            description = "Move at most this many bytes per second, e.g. 50mb (default: no limit).")
    Long rate;

    @Mixin
    RebalanceGroupOptions group = new RebalanceGroupOptions();

    /** Options that only a cluster's slots can honour: refused for a group rather than ignored. */
    private static final List<String> CLUSTER_ONLY = List.of("--threshold", "--weight", "--drain", "--by", "--samples",
            "--pipeline", "--timeout", "--rate");

    @Override
    public Integer call() {
        CachectlCommand.Context ctx = top.context();
        Output output = new Output(spec.commandLine(), top);
        if (plan && apply) {
            throw CachectlException.usage("--plan and --apply contradict each other");
        }
        if (GroupRebalance.isGroup(ctx.config(), target)) {
            for (String option : CLUSTER_ONLY) {
                if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                    throw CachectlException.usage(option + " applies to a Redis Cluster; '" + target
                            + "' is a group of standalone instances (its threshold is the group's in cachectl.yaml)");
                }
            }
            return group.run(top, output, target, apply, spec.commandLine().getErr());
        }
        group.refuseFor(target);
        ClusterRequest request = request();
        if (!target.contains("://") && !ctx.catalog().knownNames().contains(target)) {
            throw CachectlException.usage("'" + target + "' is neither a cluster this home or config knows nor a URL: "
                    + "give a managed cluster's name, redis+cluster://HOST:PORT, or a group from cachectl.yaml");
        }
        Endpoint endpoint = ctx.catalog().reachableEndpoint(target);
        if (!endpoint.cluster()) {
            throw CachectlException.usage("'" + target + "' is not a Redis Cluster: rebalance takes a cluster "
                    + "(a managed cluster's name or redis+cluster://HOST:PORT) or a group from the config");
        }
        ClusterRebalancer rebalancer = new ClusterRebalancer(ctx.home().root().resolve("rebalance"));
        RebalanceReport report;
        try (Cancellation.Registration stop = top.cancellation().onCancel(rebalancer::cancel)) {
            report = rebalancer.run(endpoint, request, line -> output.note(line));
        }
        if (output.json()) {
            output.printJson(report);
        } else {
            RebalanceText.print(output, report);
        }
        if (report.stoppedBecause() != null) {
            output.error(report.stoppedBecause(), List.of());
        }
        return report.exitCode();
    }

    private ClusterRequest request() {
        double limit = percent(threshold);
        if (samples < 1 || pipeline < 1) {
            throw CachectlException.usage("--samples and --pipeline take a whole number of at least 1");
        }
        if (timeout.isZero() || timeout.isNegative()) {
            throw CachectlException.usage("--timeout takes a positive duration, e.g. 5s");
        }
        if (rate != null && rate <= 0) {
            throw CachectlException.usage("--rate takes a positive size per second, e.g. 50mb");
        }
        Map<String, Double> weightOf = new LinkedHashMap<>();
        for (String w : weights) {
            int eq = w.lastIndexOf('=');
            try {
                double value = Double.parseDouble(w.substring(eq + 1));
                if (eq <= 0 || value < 0 || Double.isNaN(value) || Double.isInfinite(value)) {
                    throw new NumberFormatException();
                }
                weightOf.put(w.substring(0, eq), value);
            } catch (NumberFormatException e) {
                throw CachectlException.usage("--weight takes NODE=W with W a number of 0 or more, e.g. 127.0.0.1:7001=2 (got '"
                        + w + "')");
            }
        }
        return new ClusterRequest(apply, by, limit, Map.copyOf(weightOf), List.copyOf(drain), samples, pipeline, timeout,
                rate == null ? 0 : rate);
    }

    private static double percent(String text) {
        String t = text.trim();
        try {
            double v = t.endsWith("%") ? Double.parseDouble(t.substring(0, t.length() - 1).trim()) / 100 : Double.parseDouble(t);
            if (v <= 0 || v >= 1 || Double.isNaN(v)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw CachectlException.usage("--threshold takes a percentage between 0 and 100, e.g. 5% (got '" + text + "')");
        }
    }
}
