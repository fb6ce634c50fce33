package dev.cachectl.status;

import dev.cachectl.CachectlException;
import dev.cachectl.config.Endpoint;
import dev.cachectl.engine.ClusterPeer;
import dev.cachectl.engine.Engine;
import dev.cachectl.engine.Engines;
import dev.cachectl.engine.ServerSample;
import dev.cachectl.lifecycle.ActivityTracker;
import dev.cachectl.lifecycle.InstanceRef;
import dev.cachectl.lifecycle.InstanceState;
import dev.cachectl.lifecycle.Lifecycle;
import dev.cachectl.lifecycle.DamagedStateException;
import dev.cachectl.lifecycle.ProcessIdentity;
import dev.cachectl.lifecycle.StateStore;
import dev.cachectl.lifecycle.Supervisor;
import dev.cachectl.redis.OwnReads;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Samples instances and turns the samples into {@link InstanceStatus}. With an interval it samples
 * every instance twice and reports hit ratio and ops/s over that window, not since the server started.
 * Instances are sampled in parallel.
 */
public final class StatusService {
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    private final StateStore states;
    private final Function<String, Engine> engines;

    public StatusService(StateStore states) {
        this(states, Engines::named);
    }

    /** With {@code engines} to find an instance's engine by name (a test's own engine, for one). */
    public StatusService(StateStore states, Function<String, Engine> engines) {
        this.states = states;
        this.engines = engines;
    }

    public StatusReport collect(List<InstanceRef> refs, Duration interval) {
        boolean twice = interval != null && !interval.isZero();
        try (Session session = session(refs, twice ? interval : null)) {
            session.sample();
            if (twice) {
                try {
                    Thread.sleep(interval.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CachectlException(dev.cachectl.ExitCode.INTERRUPTED, "interrupted");
                }
                session.sample();
            }
            return session.report();
        }
    }

    /**
     * The same instances sampled again and again ({@code status --watch}, {@code --serve}): each report's
     * rates are over the time between its sample and the one before. {@code interval} labels the reports.
     */
    public Session session(List<InstanceRef> refs, Duration interval) {
        return new Session(null, refs.stream().map(this::target).toList(), interval);
    }

    /**
     * Like {@link #session(List, Duration)}, but every sample asks {@code roster} which instances there are, so that
     * one started meanwhile appears and one stopped shows as a status at that moment would ({@code status --watch}
     * without names). An instance's rates run on across samples while it keeps its name.
     */
    public Session session(Supplier<List<InstanceRef>> roster, Duration interval) {
        return new Session(roster, List.of(), interval);
    }

    /** Samples its instances all at once (one thread each, up to 32), so ten take about as long as one. */
    public final class Session implements AutoCloseable {
        private static final int MAX_THREADS = 32;
        private final Supplier<List<InstanceRef>> roster;
        private final Duration interval;
        private List<Target> targets;
        private ExecutorService pool;
        private int poolSize;
        private List<Probe> previous;
        private List<Probe> current;

        private Session(Supplier<List<InstanceRef>> roster, List<Target> targets, Duration interval) {
            this.roster = roster;
            this.targets = targets;
            this.interval = interval;
        }

        /** Takes a sample of every instance; the one before becomes the start of the next report's interval. */
        public void sample() {
            previous = current;
            if (roster != null) {
                List<Target> before = targets;
                // read again each time (the state files, cheap), since a server may have stopped or started under the same name
                targets = roster.get().stream().map(StatusService.this::target).toList();
                previous = previous == null ? null : targets.stream().map(t -> {
                    for (int i = 0; i < before.size(); i++) {
                        if (before.get(i).name.equals(t.name)) {
                            t.peers = before.get(i).peers;
                            return previous.get(i);
                        }
                    }
                    return null;
                }).toList();
            }
            current = probeAll();
        }

        /** The latest sample, with rates since the one before when there is one. */
        public StatusReport report() {
            List<InstanceStatus> result = new ArrayList<>();
            for (int i = 0; i < targets.size(); i++) {
                Probe before = previous == null ? null : previous.get(i);
                result.add(before == null ? targets.get(i).status(current.get(i), null)
                        : targets.get(i).status(before, current.get(i)));
            }
            // a wrong password or db is the user's to fix (exit 2), not a server that is down (exit 3)
            boolean misconfigured = targets.stream().anyMatch(t -> t.misconfigured);
            return new StatusReport(result, previous == null || interval == null ? null : interval.toMillis() / 1000.0,
                    misconfigured ? dev.cachectl.ExitCode.USAGE : dev.cachectl.ExitCode.DOWN);
        }

        private List<Probe> probeAll() {
            if (targets.size() < 2) {
                return targets.stream().map(Target::probe).toList();
            }
            int threads = Math.min(targets.size(), MAX_THREADS);
            if (threads > poolSize) {
                close();
                poolSize = threads;
                pool = Executors.newFixedThreadPool(threads, r -> {
                    Thread t = new Thread(r, "status-probe");
                    t.setDaemon(true);
                    return t;
                });
            }
            List<Future<Probe>> futures = targets.stream().map(t -> pool.submit(t::probe)).toList();
            List<Probe> probes = new ArrayList<>();
            try {
                for (Future<Probe> f : futures) {
                    probes.add(f.get());
                }
            } catch (InterruptedException e) {
                futures.forEach(f -> f.cancel(true));
                Thread.currentThread().interrupt();
                throw new CachectlException(dev.cachectl.ExitCode.INTERRUPTED, "interrupted");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException(e.getCause());
            }
            return probes;
        }

        @Override
        public void close() {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
    }

    private Target target(InstanceRef ref) {
        if (ref instanceof InstanceRef.External ext) {
            return new Target(ref.name(), engines.apply(ext.engine()), "external", ext.endpoint(), null, null);
        }
        String name = ref.name();
        Optional<InstanceState> state;
        try {
            state = states.read(name);
        } catch (CachectlException unreadable) {
            String engine = ((InstanceRef.Managed) ref).spec().engine();
            return new Target(name, engines.apply(engine), "managed", null, null,
                    unreadable instanceof DamagedStateException ? states.describeDamaged(name, engine) : unreadable.getMessage());
        }
        if (state.isEmpty()) {
            return new Target(name, engines.apply(((InstanceRef.Managed) ref).spec().engine()), "managed", null, null,
                    states.describeUnrecorded(name).orElse("not running"));
        }
        InstanceState s = state.get();
        String gone = null;
        // a cluster's nodes are checked one by one as they are probed, so that status details each of them
        if (!s.isCluster()) {
            Optional<ProcessIdentity> live = ProcessIdentity.of(s.pid());
            if (live.isEmpty()) {
                gone = "process " + s.pid() + " is gone (crashed or killed); 'cachectl stop " + name + "' cleans up";
            } else if (!live.get().is(s, s.servers().get(0))) {
                gone = "pid " + s.pid() + " now belongs to another process; 'cachectl stop " + name + "' cleans up";
            }
        }
        return new Target(name, engines.apply(s.engine()), "managed", Lifecycle.endpointOf(s), s, gone);
    }

    /**
     * One reading of an instance: a sample, or the error that kept us from one. A cluster's reading may
     * have both (the nodes that answered, and what is wrong with the others) and its nodes' own readings.
     * {@code probeCommands}: how many commands the reading itself sent, which traffic over an interval discounts.
     * {@code busy}: the managed instance's clients that use it without commands ({@link ActivityTracker#busyClients}).
     * {@code nodeOwn}: a cluster's {@code own} node by node ({@code host:port}), for the nodes' own counters.
     */
    private record Probe(ServerSample sample, String error, ClusterProbe.Result cluster, int probeCommands, long[] own,
                         Map<String, long[]> nodeOwn, long busy) {
        Probe(ServerSample sample, String error) {
            this(sample, error, null, 1);
        }

        Probe(ServerSample sample, String error, ClusterProbe.Result cluster, int probeCommands) {
            this(sample, error, cluster, probeCommands, new long[2], Map.of(), 0);
        }

        /** {@code own}: the hits and misses cachectl's own reads had caused when the sample was taken. */
        Probe withOwn(long[] own, Map<String, long[]> nodeOwn) {
            return new Probe(sample, error, cluster, probeCommands, own, nodeOwn, busy);
        }

        /** With the busy clients counted by {@code commands} more commands (one per server asked). */
        Probe withBusy(long busy, int commands) {
            return new Probe(sample, error, cluster, probeCommands + commands, own, nodeOwn, busy);
        }
    }

    private final class Target {
        final String name;
        final Engine engine;
        final String kind;
        final Endpoint endpoint;
        final InstanceState state;
        final String knownDown;
        /** An external cluster's nodes, found at its first probe and kept, so that both samples of an interval ask the same nodes. */
        List<ClusterPeer> peers;
        /** It answered but refused us: wrong password, no such db. */
        boolean misconfigured;

        Target(String name, Engine engine, String kind, Endpoint endpoint, InstanceState state, String knownDown) {
            this.name = name;
            this.engine = engine;
            this.kind = kind;
            this.endpoint = endpoint;
            this.state = state;
            this.knownDown = knownDown;
        }

        Probe probe() {
            Probe probe = sample();
            if (probe.sample() == null) {
                return probe;
            }
            probe = ownReads(probe, endpoint);
            // a managed instance's idle time counts clients blocked or subscribed as use, as the supervisor does
            return state == null ? probe
                    : probe.withBusy(ActivityTracker.busyClients(state, PROBE_TIMEOUT), state.servers().size());
        }

        private Probe sample() {
            if (knownDown != null) {
                return new Probe(null, knownDown);
            }
            if (state != null && state.isCluster()) {
                ClusterProbe.Result result = ClusterProbe.probe(engine, NodeTarget.managed(state), PROBE_TIMEOUT);
                String problem = result.problem() == null ? null : result.problem() + "; "
                        + (Lifecycle.changing(states.home(), name) ? "a start or stop of '" + name + "' is under way"
                        : "'cachectl stop " + name + "' " + (result.allDown() ? "cleans up" : "stops it"));
                return new Probe(result.total(), problem, result, result.answered() * ClusterProbe.PROBE_COMMANDS_PER_NODE);
            }
            if (endpoint.cluster()) {
                return probeExternalCluster();
            }
            try {
                return new Probe(engine.sample(endpoint, PROBE_TIMEOUT), null);
            } catch (CachectlException e) {
                misconfigured |= e.exitCode() == dev.cachectl.ExitCode.USAGE;
                return new Probe(null, e.getMessage());
            }
        }

        /** Down when no seed answers; otherwise every node the cluster lists is sampled, like a managed cluster's. */
        private Probe probeExternalCluster() {
            if (peers == null) {
                try {
                    peers = engine.clusterPeers(endpoint, PROBE_TIMEOUT);
                } catch (CachectlException e) {
                    return new Probe(null, "no seed node answered CLUSTER NODES: " + e.getMessage());
                }
            }
            ClusterProbe.Result result = ClusterProbe.probe(engine, NodeTarget.external(peers), PROBE_TIMEOUT);
            return new Probe(result.total(), result.problem(), result, result.answered() * ClusterProbe.PROBE_COMMANDS_PER_NODE);
        }

        InstanceStatus status(Probe first, Probe second) {
            Probe last = second != null ? second : first;
            String url = endpoint == null ? null : endpoint.toString();
            Long pid = state == null ? null : state.pid();
            Integer port = state != null ? Integer.valueOf(state.port()) : endpoint != null ? endpoint.port() : null;
            String binary = state == null ? null : state.binary();
            String source = state == null ? null : state.binarySource();
            Long idleTimeout = state == null || state.idleTimeoutMillis() == null ? null : state.idleTimeoutMillis() / 1000;
            String cluster = state != null ? state.cluster() : peers != null ? shape(peers) : null;
            InstanceStatus.Topology topology = new InstanceStatus.Topology(cluster,
                    last.cluster() == null ? null : ClusterProbe.statuses(last.cluster(), last.nodeOwn()));
            if (last.sample() == null) {
                return new InstanceStatus(
                        new InstanceStatus.Identity(name, engine.name(), kind, false, last.error(), url, pid, port, binary, source),
                        InstanceStatus.Server.UNKNOWN.withVersion(state == null ? null : state.version()),
                        new InstanceStatus.Idle(null, idleTimeout, null), topology, engine.unknownDetails(), null);
            }
            ServerSample s = last.sample();
            Long[] hm = discount(s.hits(), s.misses(), last.own());
            Long max = s.maxmemory();
            Double memoryPct = max != null && max > 0 && s.usedMemory() != null ? round(100.0 * s.usedMemory() / max) : null;
            Double intervalHitRatio = null;
            Double opsPerSec = s.opsPerSec() == null ? null : s.opsPerSec().doubleValue();
            InstanceStatus.Change change = null;
            if (second != null && first.sample() != null && second.sample() != null
                    && first.sample().runId() != null && first.sample().runId().equals(second.sample().runId())) {
                ServerSample a = first.sample();
                // less what cachectl's own reads (a migrate under way records them every second) added meanwhile
                long[] own = {second.own()[0] - first.own()[0], second.own()[1] - first.own()[1]};
                Long[] interval = discount(minus(s.hits(), a.hits()), minus(s.misses(), a.misses()), own);
                intervalHitRatio = ratio(interval[0], interval[1]);
                double seconds = Math.max(1, s.takenAtMillis() - a.takenAtMillis()) / 1000.0;
                // our own probe between the two samples (one INFO, two per cluster node, and a managed instance's
                // CLIENT LIST per server) is not traffic; a server without a rate of its own is rated by its client
                // operations, which leave our probes out already
                long commands = s.opsPerSec() != null ? s.totalCommands() - a.totalCommands() - first.probeCommands()
                        : s.clientCommands() - a.clientCommands();
                opsPerSec = round(Math.max(0, commands) / seconds);
                change = new InstanceStatus.Change(seconds, minus(s.usedMemory(), a.usedMemory()),
                        minus(s.details().evictions(), a.details().evictions()), interval[0], interval[1]);
            }
            Long idle = null;
            if (state != null) {
                idle = ActivityTracker.observe(states.home().instanceDir(name), s.runId(), s.clientCommands(), last.busy(),
                        System.currentTimeMillis()).toSeconds();
            }
            String notEnforced = null;
            if (idle != null && idleTimeout != null && idle >= idleTimeout && !Supervisor.isRunning(states.home())) {
                // status only reports: it starts nothing (cron, --watch and --serve run it unattended); a start does
                notEnforced = "idle timeout not enforced: no idle supervisor runs in this home (it was killed or failed);"
                        + " 'cachectl start " + name + "' starts one";
            }
            return new InstanceStatus(
                    new InstanceStatus.Identity(name, engine.name(), kind, last.error() == null, last.error(), url,
                            s.pid() != 0 ? s.pid() : pid, port, binary, source),
                    new InstanceStatus.Server(s.version(), s.uptimeSeconds(), s.usedMemory(), max, memoryPct, hm[0], hm[1],
                            ratio(hm[0], hm[1]), intervalHitRatio, opsPerSec, otherClients(last), s.totalCommands()),
                    new InstanceStatus.Idle(idle, idleTimeout, notEnforced), topology, s.details(), change);
        }
    }

    /** Hits and misses less cachectl's own; null where the server counts none. */
    private static Long[] discount(Long hits, Long misses, long[] own) {
        if (hits == null || misses == null) {
            return new Long[2];
        }
        long[] hm = OwnReads.discount(hits, misses, own);
        return new Long[] {hm[0], hm[1]};
    }

    private static Long minus(Long now, Long before) {
        return now == null || before == null ? null : now - before;
    }

    /**
     * The keyspace hits and misses cachectl's own reads (migrate, warm --top) caused on the sampled
     * server, or on each sampled node of a cluster (in all, and node by node), while it runs as the run id it has now.
     */
    private Probe ownReads(Probe probe, Endpoint endpoint) {
        OwnReads ledger = new OwnReads(states.home().root());
        if (probe.cluster() == null) {
            return probe.withOwn(ledger.of(endpoint.host() + ":" + endpoint.port(), probe.sample().runId()), Map.of());
        }
        long[] sum = new long[2];
        Map<String, long[]> nodes = new LinkedHashMap<>();
        for (ClusterProbe.Node n : probe.cluster().nodes()) {
            if (n.sample() != null) {
                String address = n.target().host() + ":" + n.target().port();
                long[] own = ledger.of(address, n.sample().runId());
                // per node, so that a node's discount never exceeds what that node counted
                long[] counted = {Math.min(own[0], n.sample().hits()), Math.min(own[1], n.sample().misses())};
                nodes.put(address, counted);
                sum[0] += counted[0];
                sum[1] += counted[1];
            }
        }
        return probe.withOwn(sum, nodes);
    }

    /**
     * Connected clients less the one connection this reading held open to each node it sampled
     * (connected_clients counts it; replication links and the cluster bus are not in the sample's count).
     */
    private static long otherClients(Probe probe) {
        long own = probe.cluster() == null ? 1 : probe.cluster().answered();
        return Math.max(0, probe.sample().clients() - own);
    }

    /** An external cluster's shape, written like a managed one's ({@code 3}, {@code 3x1}) when it has one. */
    private static String shape(List<ClusterPeer> peers) {
        long masters = peers.stream().filter(ClusterPeer::master).count();
        long replicas = peers.size() - masters;
        if (replicas == 0) {
            return Long.toString(masters);
        }
        return masters > 0 && replicas % masters == 0 ? masters + "x" + replicas / masters
                : masters + " masters, " + replicas + " replicas";
    }

    private static Double ratio(Long hits, Long misses) {
        if (hits == null || misses == null) {
            return null;
        }
        long total = hits + misses;
        return total <= 0 ? null : round((double) hits / total);
    }

    private static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
    }
}
