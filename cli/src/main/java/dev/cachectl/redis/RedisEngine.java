package dev.cachectl.redis;

import dev.cachectl.CachectlException;
import dev.cachectl.config.Endpoint;
import dev.cachectl.engine.ClusterMember;
import dev.cachectl.engine.ClusterPeer;
import dev.cachectl.engine.ClusterShape;
import dev.cachectl.engine.Engine;
import dev.cachectl.engine.InstanceLayout;
import dev.cachectl.engine.ResolvedBinary;
import dev.cachectl.engine.ServerHello;
import dev.cachectl.engine.ShutdownRequest;
import dev.cachectl.engine.ServerSample;
import dev.cachectl.engine.ServerSettings;
import dev.cachectl.engine.ClusterShape;
import dev.cachectl.util.FileWrites;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Redis through redis-server processes and Jedis. */
public final class RedisEngine implements Engine {
    static final Set<String> POLICIES = Set.of("noeviction", "allkeys-lru", "volatile-lru", "allkeys-lfu",
            "volatile-lfu", "allkeys-random", "volatile-random", "volatile-ttl");

    /** The maxmemory policies a redis instance takes, sorted (help and completion list them). */
    public static List<String> policies() {
        return POLICIES.stream().sorted().toList();
    }

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public Set<String> schemes() {
        return Set.of("redis", "rediss", "redis+cluster", "rediss+cluster");
    }

    @Override
    public Endpoint parse(String url) {
        return Endpoint.parse(url);
    }

    @Override
    public int defaultPort() {
        return Endpoint.DEFAULT_PORT;
    }

    @Override
    public String envPrefix() {
        return "REDIS_";
    }

    /** Also, for a TLS instance, the file of its own certificate authority, which the command needs to trust it. */
    @Override
    public Map<String, String> runVariables(String instanceName, Endpoint endpoint, boolean firstOfEngine) {
        Map<String, String> vars = new java.util.LinkedHashMap<>();
        String ca = endpoint.caCert();
        if (firstOfEngine) {
            vars.put("REDIS_URL", endpoint.secretUrl());
            if (ca != null) {
                vars.put("REDIS_CA_CERT", ca);
            }
        }
        String urlVar = urlVariable(instanceName);
        vars.put(urlVar, endpoint.secretUrl());
        if (ca != null) {
            vars.put(urlVar.substring(0, urlVar.length() - "URL".length()) + "CA_CERT", ca);
        }
        return vars;
    }

    @Override
    public ResolvedBinary resolveBinary(Path explicit, Map<String, String> env, Path homeRoot) {
        return RedisBinaries.resolve(explicit, env, homeRoot);
    }

    /** Every setting applies to Redis; a policy must be one Redis knows, and TLS is for a standalone server. */
    @Override
    public ServerSettings settings(Map<String, Object> raw) {
        ServerSettings s = new ServerSettings(raw);
        String policy = s.get(ServerSettings.POLICY, String.class);
        if (policy != null && !POLICIES.contains(policy)) {
            throw CachectlException.usage("invalid maxmemory policy '" + policy + "' (valid: "
                    + String.join(", ", POLICIES.stream().sorted().toList()) + ")");
        }
        if (s.tls() && s.cluster() != null) {
            throw CachectlException.usage("--tls with --cluster is not supported yet: start a TLS server standalone");
        }
        Long maxmemory = s.maxmemory();
        if (maxmemory != null && maxmemory != 0 && maxmemory < 1024 * 1024) {
            throw CachectlException.usage("maxmemory " + maxmemory + " bytes is too small for Redis (use at least 1mb, or 0 for no limit)");
        }
        return s;
    }

    @Override
    public List<String> prepare(String instance, ServerSettings settings, int port, InstanceLayout layout, ResolvedBinary binary) {
        FileWrites.ensureDir(layout.dataDir(), layout.dataDir().toString());
        if (settings.tls()) {
            TlsMaterial.ensure(layout.tlsDir());
        }
        FileWrites.atomically(layout.configFile(), RedisConf.render(instance, settings, port, layout));
        return List.of(binary.path().toString(), layout.configFile().toString());
    }

    @Override
    public java.util.OptionalInt configuredPort(Path configFile) {
        return RedisConf.port(configFile);
    }

    @Override
    public boolean reportsPortInUse(List<String> logTail) {
        return logTail.stream().anyMatch(l -> l.contains("Address already in use"));
    }

    @Override
    public Optional<ServerHello> hello(Endpoint endpoint, Duration timeout) {
        try {
            // the default sections: server for who it is, persistence for whether it still loads its data
            // (INFO answers while loading, when every data command would fail with LOADING)
            RedisInfo info = RedisClients.info(endpoint, timeout, false).info();
            if (info.number("loading") != 0) {
                return Optional.empty();
            }
            return Optional.of(new ServerHello(info.number("process_id"), info.get("run_id"), info.get("redis_version")));
        } catch (JedisDataException e) {
            if (String.valueOf(e.getMessage()).startsWith("LOADING")) {
                return Optional.empty();
            }
            throw RedisClients.translate(endpoint, e);
        } catch (JedisConnectionException e) {
            return Optional.empty();
        } catch (JedisException e) {
            throw RedisClients.translate(endpoint, e);
        }
    }

    /**
     * On a bare connection ({@link BareConnection}) rather than a Jedis client, whose classes, logger set-up and driver
     * info (read from the jar) were a good share of a stop: {@code INFO server} first, so that only the recorded
     * process is asked ({@code answeredBy} another pid), then {@code SHUTDOWN SAVE|NOSAVE}, which the server answers by
     * closing the connection as it exits.
     */
    @Override
    public ShutdownRequest requestShutdown(Endpoint endpoint, long pid, boolean save, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean asked = false;
        try (BareConnection connection = BareConnection.open(endpoint, timeout)) {
            connection.timeout(remainingMillis(deadline));
            // INFO answers while the server loads its data, as SHUTDOWN does
            long answered = RedisInfo.parse(connection.call("INFO", "server")).number("process_id");
            if (answered != pid) {
                return ShutdownRequest.answeredBy(answered);
            }
            connection.timeout(remainingMillis(deadline));
            asked = true;
            String reply = connection.call("SHUTDOWN", save ? "SAVE" : "NOSAVE");
            // a server that answers did not shut down (as a Jedis client reports it)
            throw RedisClients.translate(endpoint, new JedisException(reply));
        } catch (JedisConnectionException e) {
            // after the request, the server closing the connection as it exits is the expected answer
            return asked ? ShutdownRequest.sentTo(pid) : ShutdownRequest.noAnswer();
        } catch (JedisException e) {
            throw RedisClients.translate(endpoint, e);
        }
    }

    private static int remainingMillis(long deadline) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (deadline - System.nanoTime()) / 1_000_000));
    }

    @Override
    public ServerSample sample(Endpoint endpoint, Duration timeout) {
        try {
            RedisClients.Info read = RedisClients.info(endpoint, timeout, true, "all");
            String clusterState = read.clusterInfo() == null ? null : read.clusterInfo().get("cluster_state");
            return read.info().toSample(System.currentTimeMillis(), clusterState);
        } catch (JedisException e) {
            throw RedisClients.translate(endpoint, e);
        }
    }

    @Override
    public long busyClients(Endpoint endpoint, Duration timeout, boolean ownReplicas) {
        try {
            String list = RedisClients.clientList(endpoint, timeout);
            return list == null ? 0 : ClientList.busy(list, ownReplicas);
        } catch (JedisException e) {
            throw RedisClients.translate(endpoint, e);
        }
    }

    @Override
    public ServerSample.Details unknownDetails() {
        return RedisDetails.UNKNOWN;
    }

    @Override
    public List<ClusterPeer> clusterPeers(Endpoint cluster, Duration timeout) {
        List<ClusterNodes.Node> nodes = ClusterNodes.fetch(cluster, timeout).stream().filter(n -> !n.handshake()).toList();
        Map<String, Integer> ports = new HashMap<>();
        nodes.forEach(n -> ports.put(n.id(), n.port()));
        return nodes.stream().map(n -> new ClusterPeer(n.host(), n.port(), cluster.atNode(n.host(), n.port()), n.master(),
                n.master() ? null : ports.get(n.masterId()), n.trouble(), n.id(), n.slotCount())).toList();
    }

    @Override
    public Endpoint localEndpoint(int port, String password) {
        return Endpoint.local(port, password);
    }

    /** A cluster node also listens on its cluster bus port, its port + 10000. */
    @Override
    public List<Integer> companionPorts(ServerSettings settings, int port) {
        return settings.cluster() == null ? List.of() : List.of(port + RedisClusterFormation.BUS_PORT_OFFSET);
    }

    @Override
    public Endpoint localClusterEndpoint(List<Integer> seedPorts, String password) {
        List<String> more = seedPorts.subList(1, seedPorts.size()).stream().map(p -> "127.0.0.1:" + p).toList();
        return new Endpoint("redis+cluster", "127.0.0.1", seedPorts.get(0), null, password, 0, more);
    }

    @Override
    public List<ClusterMember> formCluster(List<Endpoint> nodes, ClusterShape shape, Duration wait, Runnable stillRunning) {
        return RedisClusterFormation.form(nodes, shape, wait, stillRunning);
    }

    @Override
    public List<ClusterMember> growCluster(List<Endpoint> existing, List<Endpoint> added, int masters, Duration wait,
                                           Runnable stillRunning) {
        return RedisClusterFormation.grow(existing, added, masters, wait, stillRunning);
    }

    @Override
    public int slotsServed(Endpoint node) {
        return RedisClusterFormation.slotsServed(node);
    }

    @Override
    public boolean mayHoldClusterData(InstanceLayout layout) {
        return RedisConf.clusterSlotsAssigned(layout);
    }

    @Override
    public void forgetNodes(List<Endpoint> remaining, List<String> forgotten) {
        RedisClusterFormation.forget(remaining, forgotten);
    }

    @Override
    public dev.cachectl.migrate.Copy copy() {
        return new dev.cachectl.redis.copy.RedisCopy();
    }

    @Override
    public dev.cachectl.bench.Bench bench() {
        return new dev.cachectl.bench.RedisBench();
    }
}
