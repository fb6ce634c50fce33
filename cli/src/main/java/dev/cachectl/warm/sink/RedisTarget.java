package dev.cachectl.warm.sink;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.config.Endpoint;
import dev.cachectl.redis.OwnReads;
import dev.cachectl.redis.RedisClients;
import dev.cachectl.redis.RedisInfo;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.providers.ClusterConnectionProvider;
import redis.clients.jedis.util.JedisClusterCRC16;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The Redis a warm writes to, standalone or a cluster, hidden behind one class: it checks the server
 * answers, says which lanes the writes take, and reads the figures the skip conditions look at.
 */
public final class RedisTarget implements AutoCloseable {
    /** Long enough for a big pipelined batch on a busy server; a dead server fails at once, not after this. */
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Endpoint endpoint;
    private final ClusterConnectionProvider cluster;

    private RedisTarget(Endpoint endpoint, ClusterConnectionProvider cluster) {
        this.endpoint = endpoint;
        this.cluster = cluster;
    }

    /**
     * The target of a job whose endpoint was checked when it was resolved ({@code TargetResolver}: exit 3
     * when it does not answer, 2 when the password is wrong). A standalone server is not asked again here:
     * the lane's own connection reports one that went away since, with the same exit codes. A cluster's
     * slot map is read now.
     */
    public static RedisTarget connect(Endpoint endpoint) {
        if (!endpoint.cluster()) {
            return new RedisTarget(endpoint, null);
        }
        Set<HostAndPort> seeds = endpoint.seeds().stream().map(HostAndPort::from).collect(Collectors.toSet());
        try {
            return new RedisTarget(endpoint, new ClusterConnectionProvider(seeds, RedisClients.clientConfig(endpoint, TIMEOUT)));
        } catch (JedisClusterOperationException e) {
            throw new CachectlException(ExitCode.DOWN, "cannot reach the Redis Cluster at " + endpoint + ": " + e.getMessage(), e);
        } catch (JedisException e) {
            throw RedisClients.translate(endpoint, e);
        }
    }

    /**
     * Where the writes go. A standalone server gets one lane, one pipelined connection, as
     * {@code redis-cli --pipe} uses: the server is what bounds a bulk load, and it does least work per key
     * with one client. A cluster gets {@code threads} lanes by hash slot, each with its own pipelines to
     * the nodes, so that the nodes work in parallel while the writes of any one key keep their order; a
     * lane's pipeline waits for its replies, so a lane that falls behind sends what queued up for it
     * together, up to a {@code batch}.
     */
    public Lanes lanes(int threads, int batch) {
        if (cluster != null) {
            return new Lanes(threads, key -> JedisClusterCRC16.getSlot(key) % threads, batch,
                    () -> new ClusterSink(cluster, endpoint.toString()));
        }
        return Lanes.one(() -> new StandaloneSink(endpoint, TIMEOUT));
    }

    /** Keys in the target's db (all primaries of a cluster). */
    public long keys() {
        long sum = 0;
        for (Jedis node : nodes()) {
            try (node) {
                sum += node.dbSize();
            }
        }
        return sum;
    }

    /**
     * Keyspace hits and misses since the server started (or its stats were reset), over all primaries,
     * less those cachectl's own reads caused on each ({@code own}: migrate and warm --top record them).
     */
    public long[] hitsAndMisses(OwnReads own) {
        long hits = 0;
        long misses = 0;
        for (Jedis node : nodes()) {
            try (node) {
                RedisInfo info = RedisInfo.parse(node.info("server") + node.info("stats"));
                String address = node.getConnection().getHostAndPort().toString();
                long[] hm = OwnReads.discount(info.number("keyspace_hits"), info.number("keyspace_misses"),
                        own.of(address, String.valueOf(info.get("run_id"))));
                hits += hm[0];
                misses += hm[1];
            }
        }
        return new long[] {hits, misses};
    }

    /**
     * Each server's run id now, by "host:port": read before the writes, so that their lookups are filed under the
     * run of the server that counted them ({@link #recordLookups}). Bookkeeping only: a server that does not answer
     * is left out (its lookups will be too).
     */
    public Map<String, String> runIds() {
        Map<String, String> ids = new HashMap<>();
        List<Jedis> nodes;
        try {
            nodes = nodes();
        } catch (CachectlException e) {
            return ids;
        }
        for (Jedis node : nodes) {
            try (node) {
                ids.put(node.getConnection().getHostAndPort().toString(), RedisInfo.parse(node.info("server")).get("run_id"));
            } catch (JedisException e) {
                // as above, for this node
            }
        }
        return ids;
    }

    /**
     * Adds the keyspace hits and misses a run's writes caused by their own lookups ({@code lookups}, by server
     * "host:port") to {@code own}, under the run id each server had when the writes began ({@code runIds}, from
     * {@link #runIds}), so that status and the hit-ratio gate leave them out. A server that restarted since (another
     * run id now) counts from 0 again, without them: they are dropped, not taken off what it counted since.
     * Bookkeeping only: a server that does not answer now is left out, the run's outcome stands.
     */
    public void recordLookups(OwnReads own, Map<String, long[]> lookups, Map<String, String> runIds) {
        if (lookups.isEmpty()) {
            return;
        }
        List<Jedis> nodes;
        try {
            nodes = nodes();
        } catch (CachectlException e) {
            return; // the summary already says what became of the run; its lookups stay in the hit ratio
        }
        for (Jedis node : nodes) {
            try (node) {
                String address = node.getConnection().getHostAndPort().toString();
                long[] hm = lookups.get(address);
                String runId = runIds.get(address);
                if (hm != null && runId != null && runId.equals(RedisInfo.parse(node.info("server")).get("run_id"))) {
                    own.add(address, runId, hm[0], hm[1]);
                }
            } catch (JedisException e) {
                // as above, for this node
            }
        }
    }

    private List<Jedis> nodes() {
        try {
            if (cluster == null) {
                return List.of(RedisClients.open(endpoint, Duration.ofSeconds(5)));
            }
            List<Jedis> nodes = new ArrayList<>();
            Collection<ConnectionPool> primaries = cluster.getPrimaryNodes().values();
            for (ConnectionPool pool : primaries) {
                nodes.add(new Jedis(pool.getResource()));
            }
            return nodes;
        } catch (JedisException e) {
            throw RedisClients.translate(endpoint, e);
        }
    }

    @Override
    public synchronized void close() {
        if (cluster != null) {
            cluster.close();
        }
    }
}
