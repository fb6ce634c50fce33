package dev.cachectl.cli;

import dev.cachectl.CachectlException;
import dev.cachectl.rebalance.group.GroupRebalance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code cachectl rebalance NAME}: even out memory across a group of standalone instances. */
@Command(name = "rebalance", mixinStandardHelpOptions = true,
        description = {"Even out memory across a group of standalone instances (groups: in cachectl.yaml): "
                + "measure each category, plan whole-category moves, and with --apply move them and record the layout."})
public final class RebalanceCommand implements Callable<Integer> {

    @ParentCommand
    CachectlCommand top;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "A group from cachectl.yaml.")
    String name;

    @Option(names = "--plan", description = "Print the plan and change nothing (the default).")
    boolean plan;

    @Option(names = "--apply", description = "Carry the plan out.")
    boolean apply;

    @Mixin
    RebalanceGroupOptions group;

    @Override
    public Integer call() {
        Output output = new Output(spec.commandLine(), top);
        if (plan && apply) {
            throw CachectlException.usage("--plan and --apply contradict each other");
        }
        if (GroupRebalance.isGroup(top.context().config(), name)) {
            return group.run(top, output, name, apply, spec.commandLine().getErr());
        }
        group.refuseFor(name);
        throw CachectlException.usage("no group '" + name + "' in " + (top.context().config().source() == null
                ? "the config (no cachectl.yaml found; see --config)" : top.context().config().source()));
    }
}
