package dev.cachectl.cli;

import dev.cachectl.lifecycle.InstanceCatalog;
import dev.cachectl.lifecycle.InstanceRef;
import dev.cachectl.run.RunService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code cachectl run [--with NAME…] [--keep] -- CMD ARGS…}: a cache for the length of one command. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run a command with its caches: start them if needed, stop them after.",
                "The command gets REDIS_URL (the first instance) and REDIS_<NAME>_URL for each;",
                "SIGTERM and SIGHUP are passed on; cachectl exits with the command's exit code."})
public final class RunCommand implements Callable<Integer> {

    @ParentCommand
    CachectlCommand top;

    @Spec
    CommandSpec spec;

    @Option(names = "--with", paramLabel = "NAME", split = ",",
            description = "Instances the command needs (default: 'default'); the first is REDIS_URL.")
    List<String> with = new ArrayList<>();

    @Option(names = "--keep", description = "Leave the instances running after the command exits.")
    boolean keep;

    @Option(names = "--warm", paramLabel = "JOB",
            description = "Before the command, run the warm job JOB of the config into the first instance (repeatable);"
                    + " if it does not complete, the command does not run and run exits with warm's exit code.")
    List<String> warm = new ArrayList<>();

    @Option(names = "--wait", paramLabel = "DURATION",
            description = "How long to wait for each server to answer, or each cluster to be ready (default: 10s, 30s for a cluster).")
    Duration wait;

    @Option(names = "--kill-after", paramLabel = "DURATION",
            description = "After passing SIGTERM or SIGHUP on, how long the command may keep running before it and every"
                    + " process under it get SIGKILL (default: 5s; 0s: never).")
    Duration killAfter;

    @Parameters(paramLabel = "CMD", arity = "1..*", description = "The command and its arguments, after '--'.")
    List<String> command;

    @Override
    public Integer call() {
        if (top.json()) {
            throw dev.cachectl.CachectlException.usage("--json does not apply to run: what it prints is its command's own output");
        }
        CachectlCommand.Context ctx = top.context();
        List<String> names = with.isEmpty() ? List.of(InstanceCatalog.DEFAULT_NAME) : with;
        List<InstanceRef> refs = names.stream().map(ctx.catalog()::resolve).toList();
        RunService.Preparation warmUp = warm.isEmpty() ? null : new WarmBeforeRun(ctx, warm, names.get(0),
                top.progressListener(spec.commandLine().getErr()), new Output(spec.commandLine(), top), spec.commandLine().getErr());
        RunService.Plan plan = new RunService.Plan(refs, command, keep, wait, ctx.environment().variables(),
                ctx.environment().workingDir(), warmUp, killAfter);
        return new RunService(ctx.lifecycle()).run(plan, spec.commandLine().getErr(), top.cancellation());
    }
}
