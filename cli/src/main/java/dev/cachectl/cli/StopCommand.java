package dev.cachectl.cli;

import dev.cachectl.CachectlException;
import dev.cachectl.lifecycle.InstanceCatalog;
import dev.cachectl.lifecycle.InstanceRef;
import dev.cachectl.lifecycle.StopResult;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code cachectl stop NAME…|--all}: graceful shutdown, then SIGTERM, then SIGKILL. */
@Command(name = "stop", mixinStandardHelpOptions = true,
        description = {"Stop managed instances: the server's own shutdown, then SIGTERM, then SIGKILL after --timeout.",
                "A pid is signalled only while it is still the server cachectl started."})
public final class StopCommand implements Callable<Integer> {

    @ParentCommand
    CachectlCommand top;

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Which which;

    static final class Which {
        @Parameters(paramLabel = "NAME", arity = "1..*", description = "Instances to stop (default: 'default').")
        List<String> names;

        @Option(names = "--all", description = "Stop every managed instance of this home.")
        boolean all;
    }

    @Option(names = "--save", description = "Save data before exiting (always done for --persist instances).")
    boolean save;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s",
            description = "Time from the shutdown request to SIGKILL; SIGTERM comes at half of it (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--purge", description = "Also delete the data kept by --persist instances.")
    boolean purge;

    @Option(names = "--node", paramLabel = "HOST:PORT",
            description = "Remove this master (once it holds no slots) and its replicas from the running cluster NAME.")
    String node;

    @Override
    public Integer call() {
        CachectlCommand.Context ctx = top.context();
        Output output = new Output(spec.commandLine(), top);
        if (node != null) {
            return removeNode(ctx, output);
        }
        List<String> targets;
        if (which != null && which.all) {
            targets = ctx.states().namesRunning();
        } else {
            targets = which == null ? List.of(InstanceCatalog.DEFAULT_NAME) : which.names;
        }
        // each name on its own: an unknown one is reported and the others are still stopped (exit 4);
        // the JSON document lists a failed name, a lone one too
        PerInstance<StopResult> batch = PerInstance.run(targets, name -> {
            checkStoppable(ctx, output, name);
            StopResult result = ctx.lifecycle().stop(name, save, timeout, purge);
            if (!output.json()) {
                report(output, result);
            }
            return result;
        }, output, output.json());
        if (output.json()) {
            output.printJson(Map.of("instances", batch.resultsAndFailures(StopResult::failed)));
        } else if (targets.isEmpty()) {
            output.note("no managed instance is running");
        }
        return batch.exitCode();
    }

    private int removeNode(CachectlCommand.Context ctx, Output output) {
        if (which == null || which.all || which.names.size() != 1 || purge) {
            throw CachectlException.usage("--node goes with one cluster NAME (not --all or --purge): stop NAME --node HOST:PORT");
        }
        StopResult result = ctx.lifecycle().removeNode(which.names.get(0), node, timeout);
        if (output.json()) {
            output.printJson(Map.of("instances", List.of(result)));
        } else {
            result.notes().forEach(output::line);
        }
        return 0;
    }

    /** Refuses an external instance, and a name neither the config nor the home knows (a usage error, exit 2). */
    private static void checkStoppable(CachectlCommand.Context ctx, Output output, String name) {
        InstanceRef ref = ctx.catalog().resolveStarted(name, output::warn);
        if (ref instanceof InstanceRef.External ext) {
            throw CachectlException.usage("'" + name + "' is external (" + ext.endpoint() + ", from " + ext.origin()
                    + "); cachectl only stops instances it started");
        }
        if (!ctx.catalog().isConfigured(name) && !ctx.states().knows(name)) {
            throw CachectlException.usage("no instance '" + name + "': it is not in the config and " + ctx.home().root()
                    + " has no folder for it (known: " + known(ctx) + ")");
        }
    }

    /** The names stop takes: the catalog's, and the stopped instances whose folder keeps data (stop --purge removes it). */
    private static String known(CachectlCommand.Context ctx) {
        java.util.TreeSet<String> names = new java.util.TreeSet<>(ctx.catalog().knownNames());
        names.addAll(ctx.states().folders());
        return names.isEmpty() ? "none" : String.join(", ", names);
    }

    private static void report(Output output, StopResult r) {
        switch (r.outcome()) {
            case STOPPED -> output.line("stopped " + r.name() + (r.nodePids() == null ? " (pid " + r.pid() + ")"
                    : " (cluster of " + r.nodePids().size() + " nodes)"));
            case NOT_RUNNING -> output.line(r.name() + " was not running");
            case CLEANED_UP -> output.line(r.name() + " was already down; state removed");
        }
        r.notes().forEach(n -> output.warn(r.name() + ": " + n));
        if (r.dataDir() != null) {
            output.note(r.name() + ": data kept in " + r.dataDir() + " (--purge removes it)");
        }
    }
}
