package dev.cachectl.cli;

import dev.cachectl.Cancellation;
import dev.cachectl.CachectlException;
import dev.cachectl.rebalance.group.GroupRebalance;
import dev.cachectl.rebalance.group.GroupReport;
import dev.cachectl.rebalance.group.GroupRequest;
import dev.cachectl.rebalance.group.RedisGroupServers;
import picocli.CommandLine.Option;

/**
 * The options of {@code rebalance} that apply to a group of standalone instances (a {@code groups:}
 * entry of cachectl.yaml), and the hand-over to {@link GroupRebalance}: {@code rebalance} mixes
 * these in and calls {@link #run} when its NAME is a group.
 */
final class RebalanceGroupOptions {

    @Option(names = "--show", description = "A group: print where each category lives now (the recorded layout).")
    boolean show;

    @Option(names = "--env", description = "With --show: print REDIS_<CATEGORY>_URL=… lines an application can load.")
    boolean env;

    @Option(names = "--tolerance", paramLabel = "PERCENT",
            description = "A group: how far apart the fullest and the emptiest instance may be, in %% of maxmemory (default: the group's, else 25%%).")
    String tolerance;

    /** True when the group's own options were given: refused for a cluster. */
    boolean given() {
        return show || env || tolerance != null;
    }

    int run(CachectlCommand top, Output output, String group, boolean apply, java.io.PrintWriter err) {
        CachectlCommand.Context ctx = top.context();
        if (env && !show) {
            throw CachectlException.usage("--env goes with --show");
        }
        if (show && apply) {
            throw CachectlException.usage("--show and --apply contradict each other");
        }
        GroupRequest request = new GroupRequest(group, show ? GroupRequest.Action.show : apply ? GroupRequest.Action.apply
                : GroupRequest.Action.plan, env, tolerance == null ? null : GroupRebalance.share(tolerance, 0, "--tolerance"),
                GroupRebalance.DEFAULT_SAMPLES);
        RedisGroupServers servers = new RedisGroupServers(ctx.home().root(), group, top.progressListener(err));
        GroupReport report;
        try (Cancellation.Registration stop = top.cancellation().onCancel(servers::cancel)) {
            report = new GroupRebalance(ctx.config(), ctx.catalog(), ctx.home().root(), name -> servers).run(request);
        }
        if (output.json()) {
            output.printJson(report);
        } else {
            GroupRebalance.lines(report, "cachectl rebalance " + group).forEach(output.out()::println);
            report.notes().stream().filter(n -> !request.env()).forEach(output::warn);
            output.trace(report.cause());
        }
        return report.exitCode();
    }

    /** A cluster (or anything but a group) given a group's options. */
    void refuseFor(String name) {
        if (given()) {
            throw CachectlException.usage("--show, --env and --tolerance apply to a group of standalone instances; '" + name
                    + "' is not a group in cachectl.yaml");
        }
    }
}
