package dev.cachectl.cli;

import dev.cachectl.CachectlException;
import dev.cachectl.cron.CronBlock;
import dev.cachectl.cron.CronInstaller;
import dev.cachectl.cron.Crontab;
import dev.cachectl.cron.Launcher;
import dev.cachectl.lifecycle.ExternalOnly;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code cachectl cron [--install|--remove] [--dry-run]}: the crontab block for the warm jobs that have a schedule. */
@Command(name = "cron", mixinStandardHelpOptions = true,
        description = {"Print the crontab block that runs the warm jobs of the config that have a 'schedule'"
                + " (with --install, put it in your crontab; with --remove, take it out).",
                "The block sits between '# BEGIN cachectl CONFIG' and '# END cachectl CONFIG'; an install replaces"
                + " an earlier block of the same config and keeps every other line as it is."})
public final class CronCommand implements Callable<Integer> {

    @ParentCommand
    CachectlCommand top;

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true)
    Change change;

    static final class Change {
        @Option(names = "--install", description = "Put the block in the crontab, in the place of an earlier one.")
        boolean install;

        @Option(names = "--remove", description = "Take the block of this config out of the crontab.")
        boolean remove;
    }

    @Option(names = "--dry-run", description = "Print the whole crontab as --install (or --remove) would write it; change nothing.")
    boolean dryRun;

    @Option(names = "--launcher", paramLabel = "PATH",
            description = "The cachectl the crontab runs (default: the launcher this runs through, else cachectl on PATH).")
    Path launcher;

    @Option(names = "--crontab", paramLabel = "COMMAND",
            description = "The crontab command to read and write with (default: $CACHECTL_CRONTAB, else crontab on PATH).")
    String crontabCommand;

    @Override
    public Integer call() {
        CachectlCommand.Context ctx = top.context();
        Output output = new Output(spec.commandLine(), top);
        if (output.json()) {
            throw CachectlException.usage("cron prints crontab lines; it has no --json output");
        }
        Map<String, String> env = ctx.environment().variables();
        CronBlock block = CronBlock.of(ctx.config(), new CronBlock.Invocation(
                Launcher.resolve(launcher, env, ctx.environment().workingDir()), ctx.home().root(), carried(env)));
        boolean remove = change != null && change.remove;
        if (change == null && !dryRun) {
            if (block.entries().isEmpty()) {
                output.note("no warm job in " + block.config() + " has a schedule: nothing to print");
            }
            block.lines().forEach(output.out()::println);
            return 0;
        }
        Crontab crontab = Crontab.locate(crontabCommand, env, ctx.environment().workingDir());
        CronInstaller.Result result = CronInstaller.apply(crontab, block, remove, dryRun);
        if (dryRun) {
            output.out().print(new String(result.crontab(), StandardCharsets.UTF_8));
            output.out().flush();
        }
        output.note(summary(block, remove, result));
        return 0;
    }

    /** What a job started by cron needs from here: cron's environment is bare. */
    private static Map<String, String> carried(Map<String, String> env) {
        Map<String, String> carried = new LinkedHashMap<>();
        String javaHome = env.get("JAVA_HOME");
        if (javaHome != null && !javaHome.isBlank()) {
            carried.put("JAVA_HOME", javaHome);
        }
        if (ExternalOnly.enabled(env)) {
            carried.put(ExternalOnly.VARIABLE, "1");
        }
        return carried;
    }

    private String summary(CronBlock block, boolean remove, CronInstaller.Result r) {
        String prefix = dryRun ? "dry run, the crontab is unchanged: it would " : "";
        int n = block.entries().size();
        if (remove || n == 0) {
            String none = remove ? "" : "no warm job in " + block.config() + " has a schedule; ";
            return !r.hadBlock() ? none + "the crontab has no block of " + block.config()
                    : none + prefix + (dryRun ? "lose" : "removed") + " the block of " + block.config();
        }
        if (!dryRun && !r.written()) {
            return "the crontab already has the " + n + " scheduled warm job" + (n == 1 ? "" : "s") + " of " + block.config();
        }
        return prefix + (dryRun ? "get" : "installed") + " the " + n + " scheduled warm job" + (n == 1 ? "" : "s") + " of "
                + block.config() + (r.hadBlock() ? " (in the place of the earlier block)" : "");
    }
}
