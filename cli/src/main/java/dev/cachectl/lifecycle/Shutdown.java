package dev.cachectl.lifecycle;

import dev.cachectl.CachectlException;
import dev.cachectl.engine.Engine;
import dev.cachectl.engine.Engines;
import dev.cachectl.engine.InstanceLayout;
import dev.cachectl.engine.ShutdownRequest;
import dev.cachectl.util.Detached;
import dev.cachectl.util.Durations;
import dev.cachectl.util.SecureFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The stop of one managed instance, under its lock ({@link Lifecycle#stop}): each recorded server that is
 * still itself is asked to shut down, then its process group gets SIGTERM and SIGKILL; with a damaged or missing
 * state file, the servers that run from the instance's folder are found and stopped instead, and so are those a
 * state does not record (the nodes of an interrupted start or growth). Then the state goes,
 * and the folder too unless the instance keeps its data.
 */
final class Shutdown {
    private final StateStore states;

    Shutdown(StateStore states) {
        this.states = states;
    }

    /**
     * Stops one instance, every node of a cluster (replicas first): the engine's graceful shutdown, then
     * SIGTERM, then SIGKILL once {@code timeout} has passed. A pid is signalled only while it is still the
     * recorded server. Servers that run from its folder without being recorded (a start or growth killed before it
     * wrote its state) are stopped too.
     */
    StopResult stop(String name, boolean save, Duration timeout, boolean purge) {
        Path dir = states.home().instanceDir(name);
        Optional<InstanceState> recorded;
        try {
            recorded = states.read(name);
        } catch (DamagedStateException damaged) {
            return stopUnrecorded(name, "its state file was damaged", timeout, purge);
        }
        if (recorded.isEmpty() && !FolderServers.in(dir).isEmpty()) {
            // a start killed after it launched its servers and before it recorded them
            return stopUnrecorded(name, "it had no state file (a start of it was killed before it wrote one)", timeout, purge);
        }
        if (recorded.isEmpty()) {
            List<String> notes = new ArrayList<>();
            if (purge && Files.isDirectory(dir)) {
                SecureFiles.deleteTree(dir);
                notes.add("kept data removed");
            }
            return new StopResult(name, StopResult.Outcome.NOT_RUNNING, null, null, notes, null);
        }
        InstanceState state = recorded.get();
        List<String> notes = new ArrayList<>();
        int stopped = 0;
        CachectlException stuck = null;
        if (state.isCluster()) {
            try {
                // first, so that a kept cluster does not come back knowing nodes it no longer has
                ClusterGrowth.dropLeftovers(states, state, notes);
            } catch (RuntimeException e) {
                notes.add("the nodes of an interrupted growth could not be forgotten (" + e.getMessage() + ")");
            }
        }
        for (NodeState node : stopOrder(state)) {
            // a standalone server's notes end with the outcome; a cluster's name the node
            String who = state.isCluster() ? "node " + node.address(state.host()) + " " : "";
            String after = state.isCluster() ? "" : "; state cleaned up";
            Optional<ProcessIdentity> live = ProcessIdentity.of(node.pid());
            if (live.isEmpty()) {
                notes.add(who + "was not running (pid " + node.pid() + " is gone: crashed or killed)" + after);
            } else if (!ProcessIdentity.isServer(state, node)) {
                notes.add(who + "pid " + node.pid() + " now belongs to another process (" + live.get().describe()
                        + "); it was not signalled" + after);
            } else {
                try {
                    terminate(state, node, who, save || state.persist(), timeout, notes);
                    stopped++;
                } catch (CachectlException e) {
                    stuck = stuck == null ? e : stuck;
                }
            }
        }
        if (stuck != null) {
            throw stuck;
        }
        List<FolderServers.Found> unrecorded = FolderServers.in(dir, state.engine());
        if (!unrecorded.isEmpty()) {
            notes.add(FolderServers.describe(unrecorded) + " ran from its folder without being in its state (a start of it"
                    + " was interrupted); stopped");
            stopFound(name, unrecorded, timeout, notes);
            stopped += unrecorded.size();
        }
        boolean keepData = (state.persist() || InstanceSettings.keepsData(dir)) && !purge;
        removeInstance(state, keepData);
        List<Long> nodePids = state.isCluster() ? state.nodes().stream().map(NodeState::pid).toList() : null;
        return new StopResult(name, stopped > 0 ? StopResult.Outcome.STOPPED : StopResult.Outcome.CLEANED_UP,
                state.pid(), keepData ? state.dataDir() : null, notes, nodePids);
    }

    /** Stops some nodes of a running cluster (replicas first), leaving its state to the caller. */
    void stopNodes(InstanceState state, List<NodeState> nodes, Duration timeout, List<String> notes) {
        List<NodeState> order = new ArrayList<>(nodes.stream().filter(n -> !n.master()).toList());
        order.addAll(nodes.stream().filter(NodeState::master).toList());
        for (NodeState node : order) {
            if (ProcessIdentity.isServer(state, node)) {
                terminate(state, node, "node " + node.address(state.host()) + " ", false, timeout, notes);
            }
        }
    }

    /** Replicas first: a master shut down while its replicas still run may wait for them to catch up. */
    private static List<NodeState> stopOrder(InstanceState state) {
        List<NodeState> order = new ArrayList<>(state.servers().stream().filter(n -> !n.master()).toList());
        order.addAll(state.servers().stream().filter(NodeState::master).toList());
        return order;
    }

    /**
     * One server, within {@code timeout} from the first look: the shutdown request (its connection's waits
     * included) and the wait after it take the first half, SIGTERM comes at half, SIGKILL at the end. The
     * request goes only to a server that says it is the recorded pid; a port that answers for another process
     * is left alone, and the recorded process, ours by its identity, gets SIGTERM at once.
     */
    private void terminate(InstanceState state, NodeState node, String who, boolean save, Duration timeout,
                           List<String> notes) {
        Engine engine = Engines.named(state.engine());
        ProcessHandle handle = ProcessHandle.of(node.pid()).orElseThrow();
        long begin = System.nanoTime();
        long termAt = begin + timeout.dividedBy(2).toNanos();
        long killAt = begin + timeout.toNanos();
        // checked while it runs: once it has exited, its pid leads no group, but its group lives on in what it started
        boolean group = Detached.leadsGroup(node.pid());
        boolean asked = false;
        try {
            ShutdownRequest request = engine.requestShutdown(Lifecycle.endpointOf(state, node), node.pid(), save,
                    Duration.ofNanos(Math.max(0, termAt - System.nanoTime())));
            asked = request.sent();
            if (request.otherProcess()) {
                notes.add(who + "port " + node.port() + " answered for another process (pid " + request.answeredPid()
                        + "), which was left alone; sent SIGTERM to pid " + node.pid());
            } else if (!asked) {
                notes.add(who + "did not answer the shutdown request within " + since(begin) + "; sent SIGTERM");
            }
        } catch (CachectlException e) {
            notes.add(who + "graceful shutdown refused (" + e.getMessage() + "); sent SIGTERM");
        }
        if (asked && !waitForExit(handle, termAt) && ProcessIdentity.isLive(node)) {
            notes.add(who + "did not exit within " + since(begin) + " of shutdown; sent SIGTERM");
            signal(handle, group, false);
        } else if (!asked && ProcessIdentity.isLive(node)) {
            signal(handle, group, false);
        }
        if (!waitForExit(handle, killAt)) {
            if (ProcessIdentity.isLive(node)) {
                notes.add(who + "did not exit within " + since(begin) + "; sent SIGKILL"
                        + (save ? " (unsaved changes are lost)" : ""));
                signal(handle, group, true);
            }
            if (!waitForExit(handle, System.nanoTime() + Duration.ofSeconds(5).toNanos())) {
                throw CachectlException.failed(state.name() + ": pid " + node.pid()
                        + " is still alive after SIGKILL; state kept so a later stop can retry");
            }
        }
        endLeftovers(node.pid(), group, who, notes);
    }

    /** The time since {@code begin} as notes give it: tenths of a second. */
    private static String since(long begin) {
        return String.format(java.util.Locale.ROOT, "%.1fs", (System.nanoTime() - begin) / 1e9);
    }

    /** SIGTERM or SIGKILL to a server, and to its whole process group when it leads one (a wrapper script's children). */
    private static void signal(ProcessHandle server, boolean group, boolean force) {
        if (group) {
            Detached.signalGroup(server.pid(), force);
        } else if (force) {
            server.destroyForcibly();
        } else {
            server.destroy();
        }
    }

    /** What a server started and left running in its process group (a wrapper script's children) ends with it. */
    private static void endLeftovers(long pid, boolean group, String who, List<String> notes) {
        if (group && !Detached.group(pid).isEmpty()) {
            notes.add(who + "ended processes the server left running in its process group");
            if (!Detached.endGroup(pid, Duration.ofSeconds(2))) {
                notes.add(who + "some processes of its group (" + pid + ") survived SIGKILL");
            }
        }
    }

    /**
     * Stop without a readable state file ({@code why} says what became of it): the servers that run from the
     * instance's folder (found by the ports in its config files, confirmed by their working directory) are
     * stopped ({@link #stopFound}). The state file is removed; the data stays unless the settings say it does
     * not persist, or {@code purge}.
     */
    private StopResult stopUnrecorded(String name, String why, Duration timeout, boolean purge) {
        Path dir = states.home().instanceDir(name);
        Optional<InstanceSettings> settings;
        try {
            settings = InstanceSettings.read(dir);
        } catch (CachectlException unreadable) {
            settings = Optional.empty();
        }
        String engine = settings.map(InstanceSettings::engine).orElse(Engines.defaultEngine().name());
        List<String> notes = new ArrayList<>();
        List<FolderServers.Found> running = FolderServers.in(dir, engine);
        notes.add(why + "; " + (running.isEmpty() ? "no server runs from its folder"
                : "found " + FolderServers.describe(running) + " running from its folder"));
        stopFound(name, running, timeout, notes);
        states.delete(name);
        // without readable settings whether it persists is unknown: keep the data rather than guess
        boolean keepData = !purge && settings.map(InstanceSettings::persist).orElse(true) && Files.isDirectory(dir);
        if (!keepData) {
            SecureFiles.deleteTree(dir);
        } else {
            deleteActivity(dir);
        }
        // a cluster keeps its data in its node folders, under the instance's (as its state says of a recorded one)
        String dataDir = ClusterStart.nodeDirs(dir).isEmpty() ? InstanceLayout.in(dir, engine + ".conf").dataDir().toString() : dir.toString();
        return new StopResult(name, running.isEmpty() ? StopResult.Outcome.CLEANED_UP : StopResult.Outcome.STOPPED,
                running.isEmpty() ? null : running.get(0).pid(), keepData ? dataDir : null,
                notes, running.size() > 1 ? running.stream().map(FolderServers.Found::pid).toList() : null);
    }

    /**
     * Servers found running from an instance's folder without a state that records them: SIGTERM, their own
     * graceful shutdown (a persistent Redis saves on it), then SIGKILL after {@code timeout}.
     */
    void stopFound(String name, List<FolderServers.Found> running, Duration timeout, List<String> notes) {
        for (FolderServers.Found server : running) {
            ProcessHandle handle = ProcessHandle.of(server.pid()).orElse(null);
            if (handle == null) {
                continue;
            }
            boolean group = Detached.leadsGroup(server.pid());
            signal(handle, group, false);
            if (!waitForExit(handle, timeout)) {
                notes.add("port " + server.port() + " did not exit within " + Durations.format(timeout) + "; sent SIGKILL");
                signal(handle, group, true);
                if (!waitForExit(handle, Duration.ofSeconds(5))) {
                    throw CachectlException.failed(name + ": pid " + server.pid() + " is still alive after SIGKILL");
                }
            }
            endLeftovers(server.pid(), group, "", notes);
        }
    }

    private static boolean waitForExit(ProcessHandle handle, Duration wait) {
        return waitForExit(handle, System.nanoTime() + wait.toNanos());
    }

    /** Waits until the process has exited or {@code deadline} (of {@link System#nanoTime}) has passed. */
    private static boolean waitForExit(ProcessHandle handle, long deadline) {
        while (ProcessIdentity.running(handle)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Lifecycle.sleep(10);
        }
        return true;
    }

    private void removeInstance(InstanceState state, boolean keepData) {
        Path dir = states.home().instanceDir(state.name());
        states.delete(state.name());
        if (keepData) {
            deleteActivity(dir);
        } else {
            SecureFiles.deleteTree(dir);
        }
    }

    private static void deleteActivity(Path dir) {
        try {
            Files.deleteIfExists(dir.resolve(ActivityTracker.FILE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
