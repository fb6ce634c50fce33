package dev.cachectl.cli;

import dev.cachectl.ExitCode;
import dev.cachectl.config.WarmJobDefinition;
import dev.cachectl.progress.ProgressListener;
import dev.cachectl.rebalance.group.GroupLayout;
import dev.cachectl.run.RunService;
import dev.cachectl.warm.TargetResolver;
import dev.cachectl.warm.WarmJob;
import dev.cachectl.warm.WarmJobs;
import dev.cachectl.warm.WarmService;
import dev.cachectl.warm.WarmSummary;

import java.io.PrintWriter;
import java.util.List;

/**
 * {@code run --warm JOB}: the warm jobs of the config, into the first instance of {@code --with},
 * once it answers and before the command starts, so the command finds its cache warm. A job that
 * does not complete keeps the command from running; its exit code is run's.
 */
final class WarmBeforeRun implements RunService.Preparation {
    /** warm's own defaults (see {@link BatchOptions}) where the job sets none. */

    private final CachectlCommand.Context ctx;
    private final List<String> jobs;
    private final String target;
    private final ProgressListener progress;
    private final Output output;
    private final PrintWriter err;
    private volatile WarmService running;
    private volatile boolean cancelled;

    WarmBeforeRun(CachectlCommand.Context ctx, List<String> jobs, String target, ProgressListener progress, Output output,
                  PrintWriter err) {
        // an unknown job, or a wrong setting in one, is exit 2 before any server starts
        jobs.forEach(job -> WarmJobs.check(job, ctx.config()));
        this.ctx = ctx;
        this.jobs = List.copyOf(jobs);
        this.target = target;
        this.progress = progress;
        this.output = output;
        this.err = err;
    }

    @Override
    public int prepare() {
        for (String name : jobs) {
            if (cancelled) {
                return ExitCode.INTERRUPTED.code();
            }
            WarmJobDefinition into = new WarmJobDefinition(null, target, null, null, null, null, null, null, null, null,
                    null, null, null, null, null, null, null, null, null, null, null);
            WarmJob job = WarmJobs.build(name, into, WarmJobs.DEFAULTS, GroupLayout.current(ctx.config(), ctx.home().root()),
                    new TargetResolver(ctx.catalog()), ctx.environment().workingDir());
            running = new WarmService(ctx.home(), ctx.environment().stdin());
            WarmSummary summary = running.run(job, progress);
            running = null;
            if (summary.exitCode() != ExitCode.DONE.code()) {
                summary.errors().stream().limit(3).forEach(e -> output.warn((e.line() == null ? "" : "line " + e.line() + ": ") + e.error()));
                err.println(output.errorAnsi(summary.line()));
                output.error("warm job '" + name + "' into '" + target + "' did not complete (" + summary.outcome()
                        + (summary.message() == null ? "" : ": " + summary.message()) + "); the command was not run", List.of());
                return summary.exitCode();
            }
            output.note(summary.line());
        }
        return ExitCode.DONE.code();
    }

    @Override
    public void cancel(String reason) {
        cancelled = true;
        WarmService service = running;
        if (service != null) {
            service.cancel(reason);
        }
    }
}
