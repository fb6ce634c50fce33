package dev.cachectl.run;

import dev.cachectl.CachectlException;
import dev.cachectl.Cancellation;
import dev.cachectl.ExitCode;
import dev.cachectl.engine.Engine;
import dev.cachectl.engine.Engines;
import dev.cachectl.lifecycle.InstanceRef;
import dev.cachectl.lifecycle.Lifecycle;
import dev.cachectl.lifecycle.RunLease;
import dev.cachectl.lifecycle.StartResult;
import dev.cachectl.util.Durations;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code cachectl run}: brings instances up, runs a command with their URLs in its environment,
 * passes signals on, and once the command exits, whatever its exit code, stops the instances runs
 * started when no other run still uses them (each run holds a {@link RunLease} on what it uses).
 * SIGTERM and SIGHUP are forwarded at once. SIGINT is special: a terminal's Ctrl-C reaches the
 * command by itself (it shares our process group), and a second copy makes many programs abort
 * their own cleanup; so cachectl only keeps running until the command has exited, and forwards
 * SIGINT only when the command is still alive after a grace period (the signal was meant for us).
 * A forwarded signal goes to the command and every process under it ({@link CommandTree}); what
 * it reached and is still alive a while after the command exited gets SIGKILL.
 */
public final class RunService {
    private static final Duration INT_GRACE = Duration.ofSeconds(2);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STRAGGLER_GRACE = Duration.ofSeconds(5);

    private final Lifecycle lifecycle;

    public RunService(Lifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    /**
     * What to run and how. {@code killAfter}: how long the command may outlive a SIGTERM or SIGHUP passed on to it
     * before its whole tree gets SIGKILL (null: {@link #KILL_AFTER}; zero: never), so that a command that ignores
     * the signal cannot keep run, and the instances it stops at the end, waiting until a supervisor kills run itself.
     */
    public record Plan(List<InstanceRef> instances, List<String> command, boolean keep, Duration readyWait,
                       Map<String, String> baseEnv, Path workingDir, Preparation preparation, Duration killAfter) {

        public Plan(List<InstanceRef> instances, List<String> command, boolean keep, Duration readyWait,
                    Map<String, String> baseEnv, Path workingDir) {
            this(instances, command, keep, readyWait, baseEnv, workingDir, null, null);
        }

        Duration killAfterOrDefault() {
            return killAfter == null ? KILL_AFTER : killAfter;
        }
    }

    /** The default of {@code --kill-after}: within the 10 s that docker stop and many CI runners give before their own SIGKILL. */
    public static final Duration KILL_AFTER = Duration.ofSeconds(5);

    /** Work between the start of the instances and the command, such as warming a cache ({@code run --warm}). */
    public interface Preparation {
        /** Runs once every instance answers; a non-zero exit code is run's, and the command does not run. */
        int prepare();

        /** A signal arrived while it ran: wind down, and return soon. */
        void cancel(String reason);
    }

    /** Runs the plan and returns the command's exit code (128+N when a signal N ended it). */
    public int run(Plan plan, PrintWriter err, Cancellation cancellation) {
        // signals first: one in any phase must end with the instances stopped, never with an orphan
        Phase phase = new Phase();
        // the managed instances this run uses, each with whether it started it
        Map<String, Boolean> used = new LinkedHashMap<>();
        RunLease lease = RunLease.ofThisProcess("run");
        // the handlers stay until the instances are stopped: a signal the JVM delivers late (the child, sent the
        // same Ctrl-C, may exit first) must reach passOn, not the JVM's default handler (exit 130)
        try (Cancellation.Registration signals = cancellation.onSignal(name -> passOn(name, phase,
                plan.killAfterOrDefault(), err))) {
            try {
                return startAndRun(plan, phase, lease, used, err);
            } finally {
                releaseAll(used, lease, plan.keep(), err);
            }
        }
    }

    private int startAndRun(Plan plan, Phase phase, RunLease lease, Map<String, Boolean> used, PrintWriter err) {
        Map<String, String> owners = new HashMap<>();
        for (InstanceRef ref : plan.instances()) {
            claimVariable(owners, Engines.named(lifecycle.engineOf(ref)), ref.name());
        }
        Map<String, String> urls = new LinkedHashMap<>();
        owners.clear();
        java.util.Set<String> firstOfEngine = new java.util.HashSet<>();
        for (InstanceRef ref : plan.instances()) {
            phase.checkCancelled();
            StartResult result;
            if (ref instanceof InstanceRef.Managed) {
                // registered as a user of the instance, for which the last run using it stops it
                result = lifecycle.startForRun(ref, plan.readyWait(), lease, plan.keep());
                used.merge(ref.name(), result.outcome() == StartResult.Outcome.STARTED, Boolean::logicalOr);
            } else {
                result = lifecycle.start(ref, plan.readyWait());
            }
            Engine engine = Engines.named(result.engine());
            // again with the engine it runs on: another than it was may have started meanwhile
            claimVariable(owners, engine, ref.name());
            // REDIS_URL / MONGODB_URL name the first instance of each engine
            urls.putAll(engine.runVariables(ref.name(), result.endpoint(), firstOfEngine.add(engine.name())));
        }
        // published before the last look, so a signal either finds the preparation to cancel or is seen here
        phase.preparing = plan.preparation();
        phase.checkCancelled();
        if (plan.preparation() != null) {
            int prepared = plan.preparation().prepare();
            phase.preparing = null;
            phase.checkCancelled();
            if (prepared != 0) {
                return prepared;
            }
        }
        return runChild(plan, urls, phase, err);
    }

    /**
     * Two instances whose names differ only by '-' and '_' would get one variable, and the command would silently
     * reach one of them under the other's name: refused (exit 2), before anything starts.
     */
    private static void claimVariable(Map<String, String> owners, Engine engine, String name) {
        String variable = engine.urlVariable(name);
        String other = owners.putIfAbsent(variable, name);
        if (other != null && !other.equals(name)) {
            throw CachectlException.usage("run: instances '" + other + "' and '" + name + "' would both be " + variable
                    + ": rename one");
        }
    }

    /**
     * Where the run is, for a signal: before the command it cancels the start (and a preparation under way), once
     * the command runs it is passed on to it. The command is started under the same lock as a signal's look at
     * it, so a signal that arrives while the command starts either stops it from starting or reaches it; never
     * neither, which would leave run waiting on a command nothing ends.
     */
    private static final class Phase {
        private CommandTree command;
        private String cancelled;
        volatile Preparation preparing;

        /** The command to pass the signal on to, or null when the signal cancels the start instead. */
        synchronized CommandTree onSignal(String signal) {
            if (command == null && cancelled == null) {
                cancelled = signal;
            }
            return command;
        }

        synchronized void checkCancelled() {
            if (cancelled != null) {
                throw new CachectlException(ExitCode.INTERRUPTED, "interrupted by SIG" + cancelled + " before the command started");
            }
        }

        /** Starts the command unless a signal came first. */
        synchronized CommandTree start(ProcessBuilder pb) throws IOException {
            checkCancelled();
            command = new CommandTree(pb.start());
            return command;
        }
    }

    private int runChild(Plan plan, Map<String, String> urls, Phase phase, PrintWriter err) {
        ProcessBuilder pb = new ProcessBuilder(plan.command()).inheritIO().directory(plan.workingDir().toFile());
        pb.environment().clear();
        pb.environment().putAll(plan.baseEnv());
        pb.environment().putAll(urls);
        CommandTree tree;
        try {
            tree = phase.start(pb);
        } catch (IOException e) {
            // the JDK's "Cannot run program "x" (in directory …): error=2, No such file or directory"
            String message = String.valueOf(e.getMessage());
            String reason = "cannot run " + plan.command().get(0) + ": " + message.replaceFirst("(?s)^.*error=\\d+, ", "");
            // as a shell would: 127 when there is no such command, 126 when it cannot be executed
            int shellCode = message.contains("error=2,") ? 127 : message.contains("error=13,") ? 126 : 0;
            if (shellCode == 0) {
                throw new CachectlException(ExitCode.FAILED, reason, e);
            }
            err.println("cachectl: " + reason);
            return shellCode;
        }
        try {
            int code = tree.command().waitFor();
            int killed = tree.killStragglers(STRAGGLER_GRACE);
            if (killed > 0) {
                err.println("cachectl: " + killed + " process(es) of the command outlived it after the signal: sent SIGKILL");
            }
            return code;
        } catch (InterruptedException e) {
            tree.send("TERM");
            Thread.currentThread().interrupt();
            throw new CachectlException(ExitCode.INTERRUPTED, "interrupted while waiting for " + plan.command().get(0));
        }
    }

    /** Before the command runs a signal cancels the start; once it runs, signals are passed on to it. */
    private static void passOn(String signal, Phase phase, Duration killAfter, PrintWriter err) {
        CommandTree c = phase.onSignal(signal);
        if (c == null) {
            Preparation p = phase.preparing;
            if (p != null) {
                p.cancel("interrupted by SIG" + signal);
            }
        } else if (signal.equals("INT")) {
            forwardUnlessExited(c);
        } else {
            c.send(signal);
            if (!killAfter.isZero()) {
                c.killIfAlive(killAfter, () -> {
                    err.println("cachectl: the command was still running " + Durations.format(killAfter) + " after SIG" + signal
                            + ": sent SIGKILL to it and every process under it (--kill-after)");
                    err.flush();
                });
            }
        }
    }

    private static void forwardUnlessExited(CommandTree tree) {
        Thread waiter = new Thread(() -> {
            try {
                if (!tree.command().waitFor(INT_GRACE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    tree.send("INT");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "cachectl-sigint");
        waiter.setDaemon(true);
        waiter.start();
    }

    /**
     * Ends this run's use of each instance: an instance a run started is stopped by the last run using it, whichever
     * run that is, and never while another run still uses it ({@link Lifecycle#release}).
     */
    private void releaseAll(Map<String, Boolean> used, RunLease lease, boolean keep, PrintWriter err) {
        used.forEach((name, startedHere) -> {
            try {
                lifecycle.release(name, lease, keep, startedHere, STOP_TIMEOUT)
                        .ifPresent(stop -> stop.notes().forEach(n -> err.println("cachectl: " + name + ": " + n)));
            } catch (RuntimeException e) {
                err.println("cachectl: could not stop '" + name + "': " + e.getMessage());
            }
        });
    }
}
