package dev.cachectl.cli;

import dev.cachectl.cron.CronBlock;
import dev.cachectl.cron.CronInstaller;
import dev.cachectl.cron.CronReport;
import dev.cachectl.cron.Crontab;
import dev.cachectl.cron.CrontabLock;
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
        Map<String, String> env = ctx.environment().variables();
        Path runs = Launcher.resolve(launcher, env, ctx.environment().workingDir());
        CronBlock block = CronBlock.of(ctx.config(), new CronBlock.Invocation(runs, ctx.home().root(), carried(env)));
        boolean remove = change != null && change.remove;
        CronInstaller.Result result = null;
        if (change != null || dryRun) {
            Crontab crontab = Crontab.locate(crontabCommand, env, ctx.environment().workingDir());
            result = CronInstaller.apply(crontab, CrontabLock.of(env, ctx.home()), block, remove, dryRun);
        }
        String outcome = result == null ? "printed" : result.outcome();
        String written = result == null || !dryRun ? null : new String(result.crontab(), StandardCharsets.UTF_8);
        if (output.json()) {
            output.printJson(new CronReport(block.config().toString(), runs.toString(), block.entries(), block.lines(),
                    outcome, dryRun, written));
            return 0;
        }
        if (written != null) {
            output.out().print(written);
            output.out().flush();
        } else if (result == null) {
            block.lines().forEach(output.out()::println);
        }
        String summary = summary(block, remove, outcome);
        if (!summary.isEmpty()) {
            output.note(summary);
        }
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

    private String summary(CronBlock block, boolean remove, String outcome) {
        int n = block.entries().size();
        String jobs = "the " + n + " scheduled warm job" + (n == 1 ? "" : "s") + " of " + block.config();
        String none = n == 0 && !remove ? "no warm job in " + block.config() + " has a schedule; " : "";
        String would = dryRun ? "dry run, the crontab is unchanged: it would " : "";
        return switch (outcome) {
            case "printed" -> n == 0 ? "no warm job in " + block.config() + " has a schedule: nothing to print" : "";
            case "installed" -> would + (dryRun ? "get " : "installed ") + jobs;
            case "replaced" -> would + (dryRun ? "get " : "installed ") + jobs + " (in the place of the earlier block)";
            case "removed" -> none + would + (dryRun ? "lose" : "removed") + " the block of " + block.config();
            default -> none + (remove || n == 0 ? "the crontab has no block of " + block.config() : "the crontab already has " + jobs);
        };
    }
}
