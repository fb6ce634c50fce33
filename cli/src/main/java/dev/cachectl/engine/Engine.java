package dev.cachectl.engine;

import dev.cachectl.config.Endpoint;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the lifecycle and status need from a server kind. The lifecycle owns processes, ports,
 * state and waiting; an engine knows its binary, its config file, its protocol and its metrics.
 * Adding an engine means one new package implementing this and one line in {@link Engines}.
 */
public interface Engine {

    String name();

    /** The URL schemes its endpoints are written in ({@code redis}, {@code rediss}, … / {@code mongodb}), lowercase. */
    java.util.Set<String> schemes();

    /** Parses a URL in one of its {@link #schemes}; a malformed one is a usage error (exit 2) naming it, redacted. */
    Endpoint parse(String url);

    /** The port a URL without one means. */
    int defaultPort();

    /**
     * The prefix of the environment variables that name its instances ({@code REDIS_} for {@code REDIS_<NAME>_URL},
     * {@code MONGODB_}) and of what {@code run} exports.
     */
    String envPrefix();

    /** The variable that names instance {@code name} by URL: {@code REDIS_CACHE_URL} for {@code cache}. */
    default String urlVariable(String instanceName) {
        return envPrefix() + instanceName.toUpperCase(java.util.Locale.ROOT).replace('-', '_') + "_URL";
    }

    /**
     * What {@code run} puts in the command's environment for one instance: its URL, password included, under
     * {@link #urlVariable}, and under {@code <PREFIX>URL} too when it is the first instance of this engine.
     */
    default Map<String, String> runVariables(String instanceName, Endpoint endpoint, boolean firstOfEngine) {
        Map<String, String> vars = new java.util.LinkedHashMap<>();
        if (firstOfEngine) {
            vars.put(envPrefix() + "URL", endpoint.secretUrl());
        }
        vars.put(urlVariable(instanceName), endpoint.secretUrl());
        return vars;
    }

    /** {@code explicit} (from --binary or config) wins; otherwise the engine searches PATH, then its bundled fallback. */
    ResolvedBinary resolveBinary(Path explicit, Map<String, String> env, Path homeRoot);

    /**
     * Judges a managed server's settings ({@link ServerSettings}: by name, parsed, the command line's over the
     * config's) before anything is started: returns them as this engine's server will run with them, and refuses
     * any it cannot honour or its server would refuse (a usage error, exit 2, one line saying why), never ignoring one.
     */
    ServerSettings settings(Map<String, Object> raw);

    /**
     * Writes the server's config for instance {@code instance} into the layout and returns the command line that
     * starts it in the foreground; {@code settings} are as {@link #settings} returned them.
     */
    List<String> prepare(String instance, ServerSettings settings, int port, InstanceLayout layout, ResolvedBinary binary);

    /** The port the config file this engine wrote ({@link #prepare}) makes the server listen on, when it says. */
    default java.util.OptionalInt configuredPort(Path configFile) {
        return java.util.OptionalInt.empty();
    }

    /** Does the server's output say it could not bind its port? */
    boolean reportsPortInUse(List<String> logTail);

    /**
     * Asks the server who it is. Empty when nothing answers (refused, timed out, still loading);
     * throws a {@link dev.cachectl.CachectlException} when it answers but refuses us (wrong password).
     */
    Optional<ServerHello> hello(Endpoint endpoint, Duration timeout);

    /**
     * Asks the server at {@code endpoint} to shut down, saving its data first when {@code save}, only when it says
     * it is process {@code pid} (asked on the same connection first): a port that now answers for another process
     * is left alone. Connecting, asking and the request together take about {@code timeout} at most (a hung
     * server must not delay what follows). Returns once the request is sent, or why it was not; throws a
     * {@link dev.cachectl.CachectlException} when the server answers but refuses us (wrong password).
     */
    ShutdownRequest requestShutdown(Endpoint endpoint, long pid, boolean save, Duration timeout);

    /** One sample of the server's metrics; throws a {@link dev.cachectl.CachectlException} (exit 3) when unreachable. */
    ServerSample sample(Endpoint endpoint, Duration timeout);

    /**
     * Connections that use the server without sending commands: a client blocked in a command, subscribed,
     * in a transaction, a replica or a monitor. The idle measure counts them as use, as it counts a command.
     * {@code ownReplicas}: the server's replicas are nodes of its own instance (a cluster's), not clients.
     * Throws a {@link dev.cachectl.CachectlException} (exit 3) when unreachable. None by default: an engine
     * whose waiting clients keep sending commands (MongoDB's tailable cursors and change streams send
     * {@code getMore}) is measured by its commands alone.
     */
    default long busyClients(Endpoint endpoint, Duration timeout, boolean ownReplicas) {
        return 0;
    }

    /** The details {@code status} shows for an instance of this engine that did not answer: every one unknown. */
    default ServerSample.Details unknownDetails() {
        return ServerSample.Details.NONE;
    }

    /**
     * Every node of the cluster that {@code cluster} (a cluster URL) names by its seeds, as the first seed
     * that answers lists them; throws a {@link dev.cachectl.CachectlException} (exit 3) when none answers.
     */
    default List<ClusterPeer> clusterPeers(Endpoint cluster, Duration timeout) {
        throw dev.cachectl.CachectlException.usage(name() + " has no cluster mode");
    }

    /** The endpoint of a local server on {@code port}. */
    Endpoint localEndpoint(int port, String password);

    /**
     * Other ports a server started with {@code settings} on {@code port} binds (a Redis Cluster node's bus
     * port), so that a start can check them before it launches anything.
     */
    default List<Integer> companionPorts(ServerSettings settings, int port) {
        return List.of();
    }

    /** The endpoint clients use to reach a local cluster through its seed nodes. */
    default Endpoint localClusterEndpoint(List<Integer> seedPorts, String password) {
        throw dev.cachectl.CachectlException.usage(name() + " has no cluster mode");
    }

    /**
     * Joins freshly started servers, each already answering, into a cluster of {@code shape}: the first
     * {@code shape.masters()} become masters sharing the data, the others replicas as
     * {@link ClusterShape#masterOf} says. Servers that already carry this cluster's configuration (a kept
     * cluster started again) are only waited for. Returns once every node reports the cluster healthy,
     * or throws a {@link ClusterNodeException} naming the node that is not, when {@code wait} is over.
     * {@code stillRunning} is called between polls and throws when a server process has exited.
     */
    default List<ClusterMember> formCluster(List<Endpoint> nodes, ClusterShape shape, Duration wait, Runnable stillRunning) {
        throw dev.cachectl.CachectlException.usage(name() + " has no cluster mode");
    }

    /**
     * Joins freshly started servers ({@code added}, each answering) to the running cluster whose nodes
     * are {@code existing}: {@code masters} of them as masters serving no slot, the rest replicas of
     * those new masters, round robin. Returns their members (a replica's master index among {@code added})
     * once every node reports the cluster healthy.
     */
    default List<ClusterMember> growCluster(List<Endpoint> existing, List<Endpoint> added, int masters, Duration wait,
                                            Runnable stillRunning) {
        throw dev.cachectl.CachectlException.usage(name() + " has no cluster mode");
    }

    /** How many slots the cluster node at {@code node} serves. */
    default int slotsServed(Endpoint node) {
        throw dev.cachectl.CachectlException.usage(name() + " has no cluster mode");
    }

    /**
     * Whether the stopped cluster node whose folder is {@code layout} may hold data: its cluster config gives a node a
     * slot. Nodes of a cluster whose start was killed before it formed them give none, and can have stored no key.
     * True when it cannot tell (a config it cannot read), so that data is never taken for none.
     */
    default boolean mayHoldClusterData(InstanceLayout layout) {
        return true;
    }

    /** Makes every node of {@code remaining} forget the nodes {@code forgotten} (by id), which no longer run. */
    default void forgetNodes(List<Endpoint> remaining, List<String> forgotten) {
        throw dev.cachectl.CachectlException.usage(name() + " has no cluster mode");
    }

    /** Its migrate: turns a plan of this engine into a copy the one orchestrator ({@link dev.cachectl.migrate.CopyRun}) runs. */
    dev.cachectl.migrate.Copy copy();

    /** Its bench: the options that apply to its servers, and the server a run ({@link dev.cachectl.bench.BenchService}) drives. */
    dev.cachectl.bench.Bench bench();
}
