package dev.cachectl.lifecycle;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.config.Endpoint;
import dev.cachectl.engine.ClusterMember;
import dev.cachectl.engine.ClusterNodeException;
import dev.cachectl.engine.ClusterShape;
import dev.cachectl.engine.Engine;
import dev.cachectl.engine.InstanceLayout;
import dev.cachectl.engine.ResolvedBinary;
import dev.cachectl.engine.ServerHello;
import dev.cachectl.engine.ServerSettings;
import dev.cachectl.util.FileWrites;
import dev.cachectl.util.Ports;
import dev.cachectl.util.SecureFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Starts a local cluster as one managed instance: a {@link ServerProcess} per node, each in its own
 * folder ({@code node-PORT}) of the instance's folder, on consecutive ports from {@code --port} or on
 * free ones (their companion ports, the cluster bus, free too); then the engine joins them into a
 * cluster. Any failure stops every node started so far and removes what this start created. A
 * {@code --persist} cluster keeps its node folders when stopped and comes back on the same ports,
 * where the nodes find each other again from their own cluster config.
 */
final class ClusterStart {
    private static final int AUTO_PORT_ATTEMPTS = 5;
    private static final int PICK_ATTEMPTS = 200;
    private static final Pattern NODE_DIR = Pattern.compile("node-(\\d{1,5})");

    private final StateStore states;
    private final Engine engine;
    private final InstanceSpec spec;
    private final ServerSettings settings;
    private final ClusterShape shape;
    private final ResolvedBinary binary;
    private final Duration wait;
    private final List<String> notes;
    private final boolean leftoversOfCrash;
    private final Home home;
    private final Path dir;
    private final long startedAt = System.currentTimeMillis();
    /** By node: masters first, then replicas. An entry is replaced when a node is moved to another port. */
    private final List<ServerProcess> servers = new ArrayList<>();
    private final List<Path> createdDirs = new ArrayList<>();
    private final boolean dirExisted;
    private final Runnable checkStop;
    private boolean fixedPorts;

    /** {@code leftoversOfCrash}: node folders found here belong to a crashed cluster without kept data;
     * {@code dirExisted}: the instance's folder was there before this start (the settings it wrote do not count);
     * {@code settings}: the servers' settings as the engine judged them; {@code checkStop} throws when the run's token stopped the start. */
    ClusterStart(StateStore states, Engine engine, InstanceSpec spec, ServerSettings settings, ResolvedBinary binary,
                 Duration wait, List<String> notes, boolean leftoversOfCrash, boolean dirExisted, Runnable checkStop) {
        this.states = states;
        this.engine = engine;
        this.spec = spec;
        this.settings = settings;
        this.shape = settings.cluster();
        this.checkStop = checkStop;
        this.binary = binary;
        this.wait = wait;
        this.notes = notes;
        this.leftoversOfCrash = leftoversOfCrash;
        this.dirExisted = dirExisted;
        this.home = states.home();
        this.dir = home.instanceDir(spec.name());
    }

    StartResult run() {
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            List<Integer> ports = ports();
            FileWrites.ensureDir(dir, "instance folder " + dir);
            for (int port : ports) {
                servers.add(launch(port));
            }
            writeState(null, null);
            List<ServerHello> hellos = new ArrayList<>();
            for (int i = 0; i < servers.size(); i++) {
                hellos.add(awaitNode(i, deadline));
            }
            List<Endpoint> endpoints = servers.stream().map(ServerProcess::endpoint).toList();
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            List<ClusterMember> members = engine.formCluster(endpoints, shape, left, this::checkRunning);
            // a request that came while nothing waited still stops this start
            checkStop.run();
            InstanceState state = writeState(members, hellos);
            // the run ids in the state's node order, as status and the supervisor read them back
            ActivityTracker.reset(dir, String.join(",", state.nodes().stream().map(NodeState::runId).toList()), 0,
                    System.currentTimeMillis());
            // for this cluster's idle timeout, or another instance's whose supervisor was killed
            Supervisor.ensureFor(states);
            return StartResult.of(spec.name(), StartResult.Outcome.STARTED, engine.name(), Lifecycle.endpointOf(state),
                    state.pid(), state.port(), binary.path().toString(), binary.source(), hellos.get(0).version(), notes)
                    .withNodes(state);
        } catch (ClusterNodeException e) {
            List<String> log = e.node() < servers.size() ? servers.get(e.node()).logTail() : List.of();
            throw Lifecycle.cleanUpAfter(new CachectlException(e.exitCode(), e.getMessage(), log, e), spec.name(), this::abandon);
        } catch (IOException e) {
            abandon();
            throw CachectlException.failed("cannot start " + binary.path() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw Lifecycle.cleanUpAfter(e, spec.name(), this::abandon);
        }
    }

    /**
     * Grows the running cluster {@code existing} to this start's shape: new masters (serving no slot) with
     * their replicas, on free ports, joined by the engine; the state then lists every node. A failure stops
     * the nodes this growth started, removes their folders and leaves the cluster as it was.
     */
    StartResult grow(InstanceState existing) {
        long deadline = System.nanoTime() + wait.toNanos();
        ClusterShape old = ClusterShape.parse(existing.cluster());
        int addedMasters = shape.masters() - old.masters();
        int added = addedMasters * (1 + shape.replicas());
        fixedPorts = true;
        try {
            List<Integer> taken = new ArrayList<>(existing.nodes().stream().map(NodeState::port).toList());
            for (int i = 0; i < added; i++) {
                int port = pickPort(taken);
                taken.add(port);
                servers.add(launch(port));
            }
            List<ServerHello> hellos = new ArrayList<>();
            for (int i = 0; i < servers.size(); i++) {
                hellos.add(awaitNode(i, deadline));
            }
            List<Endpoint> existingNodes = existing.nodes().stream().map(n -> Lifecycle.endpointOf(existing, n)).toList();
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            List<ClusterMember> members = engine.growCluster(existingNodes,
                    servers.stream().map(ServerProcess::endpoint).toList(), addedMasters, left, this::checkRunning);
            List<NodeState> nodes = new ArrayList<>(existing.nodes().stream().filter(NodeState::master).toList());
            for (int i = 0; i < servers.size(); i++) {
                if (!NodeState.REPLICA.equals(members.get(i).role())) {
                    nodes.add(nodeState(servers.get(i), NodeState.MASTER, null, members.get(i).nodeId(), hellos.get(i).runId()));
                }
            }
            nodes.addAll(existing.nodes().stream().filter(n -> !n.master()).toList());
            for (int i = 0; i < servers.size(); i++) {
                if (NodeState.REPLICA.equals(members.get(i).role())) {
                    nodes.add(nodeState(servers.get(i), NodeState.REPLICA, servers.get(members.get(i).masterIndex()).port(),
                            members.get(i).nodeId(), hellos.get(i).runId()));
                }
            }
            // joined, the new nodes are members of the running cluster: a stop requested now lets the growth be recorded
            InstanceState state = existing.withNodes(shape, nodes);
            states.write(state);
            ActivityTracker.reset(dir, String.join(",", state.nodes().stream().map(NodeState::runId).toList()), 0,
                    System.currentTimeMillis());
            return StartResult.of(spec.name(), StartResult.Outcome.GROWN, engine.name(), Lifecycle.endpointOf(state),
                    state.pid(), state.port(), existing.binary(), existing.binarySource(), existing.version(), notes)
                    .withNodes(state);
        } catch (ClusterNodeException e) {
            int node = e.node() - existing.nodes().size();
            List<String> log = node >= 0 && node < servers.size() ? servers.get(node).logTail() : List.of();
            abandonGrowth();
            throw new CachectlException(e.exitCode(), e.getMessage().replace("every node was stopped", "the new nodes were stopped"),
                    log, e);
        } catch (IOException e) {
            abandonGrowth();
            throw CachectlException.failed("cannot start " + binary.path() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            abandonGrowth();
            throw e;
        }
    }

    /** Stops the nodes a growth started and removes their folders; the cluster's state stays as it was. */
    private void abandonGrowth() {
        servers.forEach(ServerProcess::kill);
        createdDirs.forEach(SecureFiles::deleteTree);
    }

    /** The node ports: those of kept data, else consecutive from --port, else free ones. */
    private List<Integer> ports() {
        List<Integer> kept = keptPorts();
        if (!kept.isEmpty()) {
            fixedPorts = true;
            if (spec.port() != null && spec.port() != kept.get(0).intValue()) {
                notes.add("its kept data ties it to ports " + kept.get(0) + "-" + kept.get(kept.size() - 1)
                        + "; --port " + spec.port() + " not applied");
            }
            checkFree(kept, " (its kept data is tied to these ports; 'cachectl stop " + spec.name()
                    + " --purge' removes it)");
            return kept;
        }
        if (spec.port() != null) {
            fixedPorts = true;
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < shape.nodes(); i++) {
                ports.add(spec.port() + i);
            }
            int highest = ports.stream().flatMap(p -> Stream.concat(Stream.of(p), engine.companionPorts(settings, p).stream()))
                    .max(Integer::compare).orElseThrow();
            if (highest > 65535) {
                throw CachectlException.usage("--port " + spec.port() + ": a cluster of " + shape.nodes()
                        + " nodes needs ports " + ports.get(0) + "-" + ports.get(ports.size() - 1)
                        + (engine.companionPorts(settings, spec.port()).isEmpty() ? "" : " and their cluster bus ports")
                        + ", up to " + highest + ", above 65535: pick a lower first port");
            }
            checkFree(ports, ": pick another first port with --port N, or --port auto");
            return ports;
        }
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < shape.nodes(); i++) {
            ports.add(pickPort(ports));
        }
        // in port order, as a kept cluster comes back: the masters keep the lowest ports and the URL stays the same
        ports.sort(null);
        return ports;
    }

    /**
     * Ports of the node folders kept by a {@code --persist} cluster. Folders of a crashed cluster without
     * kept data are removed; those of a persistent one are never removed by a start without --persist.
     */
    private List<Integer> keptPorts() {
        if (!dirExisted) {
            return List.of();
        }
        List<Path> nodeDirs = nodeDirs(dir);
        if (nodeDirs.isEmpty()) {
            return List.of();
        }
        if (leftoversOfCrash) {
            // whatever this start asks for, the nodes that left them kept nothing
            nodeDirs.forEach(SecureFiles::deleteTree);
            return List.of();
        }
        if (nodeDirs.stream().noneMatch(d -> engine.mayHoldClusterData(InstanceLayout.in(d, engine.name() + ".conf")))) {
            // a first start killed before it formed its cluster (some nodes may not even have been launched): no node
            // ever served a slot, so none stored a key; this start makes the cluster anew
            nodeDirs.forEach(SecureFiles::deleteTree);
            notes.add("the node folders left by a start of it that was killed before it formed the cluster held no data;"
                    + " removed");
            return List.of();
        }
        if (!settings.persist()) {
            throw CachectlException.usage("'" + spec.name() + "' keeps the data of a --persist cluster in " + dir
                    + ": start it with --persist, or remove the data with 'cachectl stop " + spec.name() + " --purge'");
        }
        List<Integer> ports = nodePorts(dir);
        if (ports.size() != shape.nodes()) {
            throw CachectlException.usage("'" + spec.name() + "' keeps the data of a cluster of " + ports.size()
                    + " nodes in " + dir + ", not of " + shape.nodes() + " (--cluster " + shape
                    + "): start it with its own shape (a running cluster grows with a start of more masters), or remove the"
                    + " data with 'cachectl stop " + spec.name() + " --purge'");
        }
        return ports;
    }

    /** The node folders in an instance's folder: those of a cluster that ran there. */
    static List<Path> nodeDirs(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(Files::isDirectory).filter(p -> NODE_DIR.matcher(p.getFileName().toString()).matches())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The ports of the node folders in an instance's folder, in order. */
    static List<Integer> nodePorts(Path dir) {
        List<Integer> ports = new ArrayList<>();
        for (Path p : nodeDirs(dir)) {
            Matcher m = NODE_DIR.matcher(p.getFileName().toString());
            if (m.matches()) {
                ports.add(Integer.parseInt(m.group(1)));
            }
        }
        ports.sort(null);
        return ports;
    }

    private void checkFree(List<Integer> ports, String hint) {
        for (int i = 0; i < ports.size(); i++) {
            int port = ports.get(i);
            String node = "node " + (i + 1) + " of " + ports.size();
            if (!Ports.isFree(port)) {
                throw taken(port, "port " + port + " (" + node + ")", hint, null);
            }
            for (int companion : engine.companionPorts(settings, port)) {
                if (!Ports.isFree(companion)) {
                    throw taken(companion, "port " + companion + " (the cluster bus port of " + node + ", on port " + port + ")",
                            hint, null);
                }
            }
        }
    }

    private static CachectlException taken(int port, String what, String hint, String logLine) {
        String owner = Ports.owner(port).map(o -> " by " + o).orElse(" by another process");
        return new CachectlException(ExitCode.FAILED, what + " is already in use" + owner + hint,
                logLine == null ? List.of() : List.of(logLine), null);
    }

    /** A free port whose companion ports are free too, none of them among the nodes' so far. */
    private int pickPort(List<Integer> chosen) {
        Set<Integer> taken = new HashSet<>();
        for (int p : chosen) {
            taken.add(p);
            taken.addAll(engine.companionPorts(settings, p));
        }
        for (int attempt = 0; attempt < PICK_ATTEMPTS; attempt++) {
            int port = Ports.pickFree();
            List<Integer> companions = engine.companionPorts(settings, port);
            if (!taken.contains(port) && companions.stream().allMatch(c -> c <= 65535 && !taken.contains(c) && Ports.isFree(c))) {
                return port;
            }
        }
        throw CachectlException.failed("found no free port with a free cluster bus port in " + PICK_ATTEMPTS + " tries");
    }

    private ServerProcess launch(int port) throws IOException {
        Path nodeDir = dir.resolve("node-" + port);
        if (!Files.isDirectory(nodeDir)) {
            createdDirs.add(nodeDir);
        }
        return ServerProcess.launch(engine, spec.name(), settings, port, InstanceLayout.in(nodeDir, engine.name() + ".conf"), binary);
    }

    /** Waits for one node; a node that lost a free port to another process moves to another one. */
    private ServerHello awaitNode(int node, long deadline) throws IOException {
        for (int attempt = 1; ; attempt++) {
            ServerProcess server = servers.get(node);
            try {
                return server.awaitReady(wait, deadline, "node 127.0.0.1:" + server.port() + ": ");
            } catch (PortLostException e) {
                if (fixedPorts || attempt >= AUTO_PORT_ATTEMPTS) {
                    throw lost(node, server, e.getMessage());
                }
                server.kill();
                Path nodeDir = server.layout().dir();
                createdDirs.remove(nodeDir);
                SecureFiles.deleteTree(nodeDir);
                List<Integer> others = new ArrayList<>(servers.stream().map(ServerProcess::port).toList());
                others.remove(node);
                int port = pickPort(others);
                notes.add("port " + server.port() + " of node " + (node + 1) + " was taken while starting; moved it to " + port);
                servers.set(node, launch(port));
                writeState(null, null);
            }
        }
    }

    private CachectlException lost(int node, ServerProcess server, String logLine) {
        String what = "port " + server.port() + " (node " + (node + 1) + " of " + servers.size() + ")";
        for (int companion : engine.companionPorts(settings, server.port())) {
            if (Ports.isFree(server.port()) && !Ports.isFree(companion)) {
                return taken(companion, "port " + companion + " (the cluster bus port of node " + (node + 1)
                        + " of " + servers.size() + ", on port " + server.port() + ")", ": pick another first port with --port N, or --port auto", logLine);
            }
        }
        return taken(server.port(), what, ": pick another first port with --port N, or --port auto", logLine);
    }

    /** Called by the engine between polls: a node that has exited ends the start with its last log lines. */
    private void checkRunning() {
        for (ServerProcess server : servers) {
            if (!server.alive()) {
                RuntimeException exited = server.exited("node 127.0.0.1:" + server.port() + ": ");
                throw exited instanceof CachectlException known ? known
                        : CachectlException.failed("node 127.0.0.1:" + server.port() + " lost its port: " + exited.getMessage());
            }
        }
    }

    /** The state file: every node's process as soon as it runs, their roles and ids once the cluster is formed. */
    private InstanceState writeState(List<ClusterMember> members, List<ServerHello> hellos) {
        List<NodeState> nodes = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            ServerProcess server = servers.get(i);
            int masterIndex = members == null ? shape.masterOf(i) : members.get(i).masterIndex();
            boolean replica = members == null ? masterIndex >= 0 : NodeState.REPLICA.equals(members.get(i).role());
            nodes.add(nodeState(server, replica ? NodeState.REPLICA : NodeState.MASTER,
                    replica && masterIndex >= 0 ? servers.get(masterIndex).port() : null,
                    members == null ? null : members.get(i).nodeId(), hellos == null ? null : hellos.get(i).runId()));
        }
        if (members != null) {
            // masters first, as at a first start: a kept cluster comes back in port order, and failovers swap roles
            List<NodeState> ordered = new ArrayList<>(nodes.stream().filter(NodeState::master).toList());
            ordered.addAll(nodes.stream().filter(n -> !n.master()).toList());
            nodes = ordered;
        }
        InstanceState state = InstanceState.cluster(spec.name(), engine.name(), binary.path().toString(), binary.source(),
                binary.version(), settings.password(), dir.toString(), settings.persist(),
                spec.idleTimeout() == null ? null : spec.idleTimeout().toMillis(), startedAt, shape, nodes);
        states.write(state);
        return state;
    }

    private NodeState nodeState(ServerProcess server, String role, Integer replicaOf, String nodeId, String runId) {
        InstanceLayout layout = server.layout();
        return new NodeState(server.port(), server.pid(), server.identity().startMillis(), binary.executable().toString(),
                server.command(), role, replicaOf, nodeId, runId, layout.configFile().toString(), layout.dataDir().toString(),
                layout.logFile().toString(), server.startTicks());
    }

    /** Stops every node this start launched and removes what it created; kept data of an earlier run stays. */
    private void abandon() {
        servers.forEach(ServerProcess::kill);
        states.delete(spec.name());
        if (!dirExisted) {
            SecureFiles.deleteTree(dir);
        } else {
            createdDirs.forEach(SecureFiles::deleteTree);
        }
    }
}
