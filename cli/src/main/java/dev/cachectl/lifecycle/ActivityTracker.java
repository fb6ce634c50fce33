package dev.cachectl.lifecycle;

import dev.cachectl.CachectlException;
import dev.cachectl.engine.Engine;
import dev.cachectl.engine.Engines;
import dev.cachectl.engine.ServerSample;
import dev.cachectl.util.FileWrites;
import dev.cachectl.util.RecordJson;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Idle time of a managed instance: how long its count of client commands (probes excluded) has
 * stayed the same while no client used it without commands (blocked, subscribed: {@link #busyClients}).
 * Whoever samples the server (the supervisor, status) records the count and the moment it last changed
 * (or a busy client was last seen) in {@code activity.json}, so every reader sees the same idle time.
 */
public final class ActivityTracker {
    static final String FILE = "activity.json";

    record Activity(String runId, long clientCommands, long sinceMillis) {
    }

    private ActivityTracker() {
    }

    /** Records a fresh server as active now. */
    public static void reset(Path instanceDir, String runId, long clientCommands, long nowMillis) {
        write(instanceDir, new Activity(runId, clientCommands, nowMillis));
    }

    /** Counts as activity now (a start that found the instance running), whatever the counts were. */
    public static void touch(Path instanceDir, long nowMillis) {
        Activity last = read(instanceDir);
        if (last != null) {
            try {
                write(instanceDir, new Activity(last.runId(), last.clientCommands(), nowMillis));
            } catch (CachectlException e) {
                // stopped meanwhile, or a full disk: nothing to record (the start itself went well)
            }
        }
    }

    /**
     * Folds in the readings of every server of an instance (a cluster's nodes): their client commands
     * summed, their run ids together, so that a restarted or lost node counts as activity, not as idle time.
     * {@code busyClients} ({@link #busyClients}) above 0 counts as activity now, as a command does.
     */
    public static Duration observe(Path instanceDir, List<ServerSample> samples, long busyClients, long nowMillis) {
        String runIds = String.join(",", samples.stream().map(s -> String.valueOf(s.runId())).toList());
        long commands = samples.stream().mapToLong(ServerSample::clientCommands).sum();
        return observe(instanceDir, runIds, commands, busyClients, nowMillis);
    }

    /** Folds in a new reading and returns the idle time. */
    public static Duration observe(Path instanceDir, String runId, long clientCommands, long busyClients, long nowMillis) {
        Activity last = read(instanceDir);
        if (busyClients > 0 || last == null || !String.valueOf(last.runId()).equals(runId)
                || last.clientCommands() != clientCommands) {
            try {
                write(instanceDir, new Activity(runId, clientCommands, nowMillis));
            } catch (CachectlException e) {
                // the instance was stopped (its folder removed) while we sampled it, or the disk is full: status is a
                // read-only probe that must work then, and the next reading records the activity again
            }
            return Duration.ZERO;
        }
        return Duration.ofMillis(Math.max(0, nowMillis - last.sinceMillis()));
    }

    /**
     * Clients of the instance's servers that use it without sending commands ({@link Engine#busyClients}):
     * a client blocked in {@code BLPOP} or subscribed keeps the instance busy for as long as it stays. A
     * cluster's replicas are its own nodes, not clients. A server that does not answer counts none (its
     * sample says it is down).
     */
    public static long busyClients(InstanceState state, Duration timeout) {
        Engine engine = Engines.named(state.engine());
        long busy = 0;
        for (NodeState node : state.servers()) {
            try {
                busy += engine.busyClients(Lifecycle.endpointOf(state, node), timeout, state.isCluster());
            } catch (RuntimeException e) {
                // not reachable now: nothing to count
            }
        }
        return busy;
    }

    private static Activity read(Path instanceDir) {
        Path file = instanceDir.resolve(FILE);
        try {
            return Files.isRegularFile(file) ? RecordJson.read(Files.readAllBytes(file), Activity.class) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static void write(Path instanceDir, Activity activity) {
        Path file = instanceDir.resolve(FILE);
        try {
            FileWrites.atomically(file, RecordJson.write(activity), "activity record ");
        } catch (IOException e) {
            throw FileWrites.cannotWrite("activity record " + file, e);
        }
    }
}
