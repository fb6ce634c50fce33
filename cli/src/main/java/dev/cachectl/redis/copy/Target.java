package dev.cachectl.redis.copy;

import dev.cachectl.CachectlException;
import dev.cachectl.config.Endpoint;
import dev.cachectl.migrate.Timeouts;
import dev.cachectl.redis.ConnectionLoss;
import dev.cachectl.redis.RedisClients;
import dev.cachectl.redis.RedisInfo;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.commands.JedisBinaryCommands;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisRedirectionException;
import redis.clients.jedis.params.RestoreParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.providers.ClusterConnectionProvider;
import redis.clients.jedis.util.JedisClusterCRC16;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where keys are written: a standalone server (a connection per worker and db) or a cluster
 * (one shared {@link JedisCluster}; a batch is pipelined to each master by slot, and a key answered
 * with MOVED/ASK is written again through the cluster client, which refreshes its slot map). A node
 * that stops answering ends the copy as a standalone target does, after {@code --timeout}, named.
 */
final class Target implements AutoCloseable {
    /** Tries of one command through the cluster client, all within {@code --timeout} (a MOVED is one). */
    private static final int ATTEMPTS = 5;

    private final Endpoint endpoint;
    private final Timeouts timeouts;
    private final JedisCluster cluster;
    /** The cluster client's slot map and connection pools (null for a standalone target). */
    private final ClusterConnectionProvider nodes;
    private volatile String version;
    /** {@code CONFIG GET databases}, asked once: 0 when CONFIG is renamed away or not allowed, -1 before it is asked. */
    private volatile int databases = -1;
    /** Per db, whether a SELECT took it, when {@link #databases} is not known: a server's dbs do not change while it runs. */
    private final Map<Integer, Boolean> selectable = new java.util.concurrent.ConcurrentHashMap<>();

    private Target(Endpoint endpoint, Timeouts timeouts, JedisCluster cluster, ClusterConnectionProvider nodes) {
        this.endpoint = endpoint;
        this.timeouts = timeouts;
        this.cluster = cluster;
        this.nodes = nodes;
    }

    static Target open(Endpoint endpoint, Timeouts timeouts) {
        if (!endpoint.cluster()) {
            RedisClients.open(endpoint, timeouts.quick()).close();
            return new Target(endpoint, timeouts, null, null);
        }
        Set<HostAndPort> seeds = new HashSet<>();
        for (String seed : endpoint.seeds()) {
            seeds.add(HostAndPort.from(seed));
        }
        DefaultJedisClientConfig.Builder builder = DefaultJedisClientConfig.builder()
                .user(endpoint.user()).password(endpoint.password()).ssl(endpoint.tls())
                .connectionTimeoutMillis(RedisClients.millis(timeouts.quick()))
                .socketTimeoutMillis(RedisClients.millis(timeouts.reply()))
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED);
        if (endpoint.tls()) {
            builder.sslSocketFactory(dev.cachectl.redis.TlsTrust.handshaking(endpoint.caCert()));
        }
        DefaultJedisClientConfig config = builder.build();
        try {
            ClusterConnectionProvider nodes = new ClusterConnectionProvider(seeds, config);
            // retries end with the timeout, as a standalone target's one try does: by default they
            // would go on for ATTEMPTS timeouts, two of them on a node that stopped answering
            return new Target(endpoint, timeouts, new JedisCluster(nodes, ATTEMPTS, timeouts.reply()), nodes);
        } catch (JedisException e) {
            throw RedisClients.translate(endpoint, e);
        }
    }

    Endpoint endpoint() {
        return endpoint;
    }

    /** How long to wait for the target, and for the source of the same copy. */
    Timeouts timeouts() {
        return timeouts;
    }

    /** The server that holds {@code key}: for a cluster, the master the slot map names (the endpoint while none). */
    Endpoint serverOf(byte[] key) {
        HostAndPort node = cluster == null ? null : nodes.getNode(JedisClusterCRC16.getSlot(key));
        return node == null ? endpoint : endpoint.atNode(node.getHost(), node.getPort());
    }

    /** The target's redis_version (its first seed's, for a cluster), asked once. */
    String version() {
        String v = version;
        if (v == null) {
            try (Jedis jedis = RedisClients.open(endpoint, timeouts.quick())) {
                v = String.valueOf(RedisInfo.parse(jedis.info("server")).get("redis_version"));
            } catch (JedisException e) {
                throw RedisClients.translate(endpoint, e);
            }
            version = v;
        }
        return v;
    }

    /**
     * The run id of every server written to (the target, or each master of a cluster target), by address:
     * a server restarted since has another, and may have lost what was written to it.
     */
    Map<String, String> runIds() {
        Map<String, String> ids = new java.util.TreeMap<>();
        for (SourceNode node : Topology.servers(endpoint, timeouts.quick())) {
            try (Jedis jedis = RedisClients.open(node.endpoint(), timeouts.quick())) {
                ids.put(node.address(), String.valueOf(RedisInfo.parse(jedis.info("server")).get("run_id")));
            } catch (JedisException e) {
                throw RedisClients.translate(node.endpoint(), e);
            }
        }
        return ids;
    }

    /** True when the target knows {@code SET … PXAT}, i.e. runs Redis 6.2 or newer. */
    boolean knowsPxat() {
        return versionAtLeast(version(), 6, 2);
    }

    /** True when {@code redisVersion} ("7.0.15") is {@code major.minor} or newer; false when it cannot be read. */
    static boolean versionAtLeast(String redisVersion, int major, int minor) {
        if (redisVersion == null) {
            return false;
        }
        String[] parts = redisVersion.trim().split("\\.");
        try {
            int ma = Integer.parseInt(parts[0]);
            int mi = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return ma > major || ma == major && mi >= minor;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * The target's {@code expired_keys} (INFO stats): how many keys it removed since it started because
     * their time was up. 0 for a cluster, whose key counts are not compared.
     */
    long expiredKeys() {
        if (cluster != null) {
            return 0;
        }
        try (Jedis jedis = RedisClients.open(endpoint, timeouts.quick())) {
            return RedisInfo.parse(jedis.info("stats")).number("expired_keys");
        } catch (JedisException e) {
            throw RedisClients.translate(endpoint, e);
        }
    }

    /** True when the target holds hash fields with their own expiry (Redis 7.4+). */
    boolean holdsFieldExpiries() {
        return FieldExpiries.supported(version());
    }

    boolean cluster() {
        return cluster != null;
    }

    /**
     * Whether the target has {@code db}: a cluster only db 0, a server as many as its {@code databases}
     * setting, or, when CONFIG is renamed or forbidden, what a SELECT on a probe connection answers.
     */
    boolean hasDb(int db) {
        if (db == 0) {
            return true;
        }
        if (cluster != null || db < 0) {
            return false;
        }
        int n = databases();
        return n > 0 ? db < n : selectable.computeIfAbsent(db, this::selects);
    }

    private int databases() {
        int n = databases;
        if (n < 0) {
            n = 0;
            try (Jedis jedis = RedisClients.open(endpoint.withDb(0), timeouts.quick())) {
                n = Integer.parseInt(jedis.configGet("databases").getOrDefault("databases", "0"));
            } catch (JedisDataException | NumberFormatException e) {
                // CONFIG renamed away or not allowed to this user: each db is tried with SELECT instead
            } catch (JedisException e) {
                throw RedisClients.translate(endpoint, e);
            }
            databases = n;
        }
        return n;
    }

    private boolean selects(int db) {
        try (Jedis jedis = RedisClients.open(endpoint.withDb(0), timeouts.quick())) {
            jedis.select(db);
            return true;
        } catch (JedisDataException e) {
            // only this answer says the db is missing; another refusal (SELECT not allowed) is for the writes to meet
            return !String.valueOf(e.getMessage()).contains("DB index is out of range");
        } catch (JedisException e) {
            throw RedisClients.translate(endpoint, e);
        }
    }

    /**
     * Exit 2, one line: the target has no db {@code targetDb} for the keys of source db {@code sourceDb},
     * named as the source's own db or as the {@code --db-map} that asked for it when the two differ.
     */
    CachectlException noDb(int sourceDb, int targetDb) {
        boolean mapped = sourceDb != targetDb;
        String map = "--db-map " + sourceDb + ":" + targetDb;
        if (cluster != null) {
            return CachectlException.usage("the target is a Redis Cluster, which has only db 0: " + (mapped
                    ? map + " cannot be written; map source db " + sourceDb + " to 0"
                    : "source db " + sourceDb + " needs --db-map " + sourceDb + ":0 (or pick dbs with --db)"));
        }
        int n = databases();
        String has = n > 0 ? " (it has " + n + ": 0 to " + (n - 1) + ")" : "";
        return CachectlException.usage("target " + endpoint + " has no db " + targetDb + has + (mapped
                ? ", which " + map + " writes source db " + sourceDb + " to: map it to a db the target has"
                : " for the keys of source db " + sourceDb + ": map them with --db-map " + sourceDb + ":N, or leave them out with --db"));
    }

    Session session() {
        return new Session();
    }

    @Override
    public void close() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /**
     * Writes one snapshot entry through the cluster client, which follows MOVED and ASK and refreshes
     * its slot map: for a key whose slot moved since the copy routed it. Thread-safe. Returns null
     * when written, "" when left alone as existing, else the server's error.
     */
    String writeRedirected(SnapshotEntry e, boolean replace) {
        try {
            if (e.value() != null) {
                SetParams params = new SetParams();
                if (e.expireAt() != 0) {
                    params.pxAt(e.expireAt());
                }
                if (!replace) {
                    params.nx();
                }
                return cluster.set(e.targetKey(), e.value(), params) == null ? "" : null;
            }
            RestoreParams params = RestoreParams.restoreParams().absTtl();
            if (replace) {
                params.replace();
            }
            cluster.restore(e.targetKey(), e.expireAt(), e.payload(), params);
            return null;
        } catch (JedisDataException ex) {
            return String.valueOf(ex.getMessage());
        } catch (JedisException ex) {
            throw ConnectionLoss.of("target", endpoint, ex, timeouts.reply());
        }
    }

    /**
     * Sends one command through the cluster client, which follows MOVED and ASK: a live write whose
     * slot moved since it was routed. Returns null when the target took it, else its error.
     */
    String sendRedirected(byte[][] command, int[] keyIndexes) {
        byte[] sampleKey = keyIndexes.length > 0 ? command[keyIndexes[0]] : command[1];
        byte[][] args = java.util.Arrays.copyOfRange(command, 1, command.length);
        redis.clients.jedis.commands.ProtocolCommand name = () -> command[0];
        try {
            cluster.sendCommand(sampleKey, name, args);
            return null;
        } catch (JedisDataException ex) {
            return String.valueOf(ex.getMessage());
        } catch (JedisException ex) {
            throw ConnectionLoss.of("target", endpoint, ex, timeouts.reply());
        }
    }

    /** One RESTORE: {@code expireAtMillis} 0 means no expiry. */
    record Restore(byte[] key, long expireAtMillis, byte[] payload) {
    }

    /** A worker's connections to the target. Not thread-safe: one per worker. */
    final class Session implements AutoCloseable {
        private final Map<Integer, Jedis> byDb = new HashMap<>();
        /** A cluster target's masters, by address, as the slot map names them. */
        private final Map<HostAndPort, Jedis> byMaster = new HashMap<>();

        /** Restores a batch; returns one entry per op: null for OK, else the server's error text. */
        List<String> restore(int db, List<Restore> ops, boolean replace) {
            RestoreParams params = RestoreParams.restoreParams().absTtl();
            if (replace) {
                params.replace();
            }
            List<String> errors = new ArrayList<>(ops.size());
            try {
                List<Response<String>> replies;
                if (cluster != null) {
                    replies = restoreByNode(ops, params);
                } else {
                    AbstractPipeline pipeline = jedis(db).pipelined();
                    replies = new ArrayList<>(ops.size());
                    for (Restore op : ops) {
                        replies.add(pipeline.restore(op.key(), op.expireAtMillis(), op.payload(), params));
                    }
                    pipeline.sync();
                }
                for (int i = 0; i < ops.size(); i++) {
                    errors.add(reply(replies.get(i), ops.get(i), params));
                }
                return errors;
            } catch (JedisDataException e) {
                throw new CachectlException(dev.cachectl.ExitCode.FAILED, "target " + endpoint + ": " + e.getMessage(), e);
            } catch (JedisException e) {
                throw ConnectionLoss.of("target", endpoint, e, timeouts.reply());
            }
        }

        /**
         * One pipeline per master, on this session's own connection to it, all sent before any reply is
         * read; a null reply for a key whose slot no master serves in the slot map, which the cluster
         * client then finds. Neither Jedis's cluster pipeline (it drops a node whose connection fails
         * without a word, its replies left unset) nor the cluster client's pools (the pool replaces a
         * broken connection at once, which waits out the timeout again on a node that stopped answering).
         */
        private List<Response<String>> restoreByNode(List<Restore> ops, RestoreParams params) {
            Map<HostAndPort, List<Integer>> byNode = new LinkedHashMap<>();
            for (int i = 0; i < ops.size(); i++) {
                HostAndPort node = nodes.getNode(JedisClusterCRC16.getSlot(ops.get(i).key()));
                if (node != null) {
                    byNode.computeIfAbsent(node, n -> new ArrayList<>()).add(i);
                }
            }
            List<Response<String>> replies = new ArrayList<>(java.util.Collections.nCopies(ops.size(), null));
            Map<HostAndPort, Pipeline> pipelines = new LinkedHashMap<>();
            HostAndPort at = null;
            try {
                for (Map.Entry<HostAndPort, List<Integer>> node : byNode.entrySet()) {
                    at = node.getKey();
                    Pipeline pipeline = master(at).pipelined();
                    pipelines.put(at, pipeline);
                    for (int i : node.getValue()) {
                        Restore op = ops.get(i);
                        replies.set(i, pipeline.restore(op.key(), op.expireAtMillis(), op.payload(), params));
                    }
                }
                for (Map.Entry<HostAndPort, Pipeline> node : pipelines.entrySet()) {
                    at = node.getKey();
                    node.getValue().sync();
                }
                return replies;
            } catch (JedisException e) {
                // the other masters' replies are unread too: their connections would answer the next batch with them
                byMaster.values().forEach(RedisClients::closeQuietly);
                byMaster.clear();
                if (e instanceof JedisDataException) {
                    throw e;
                }
                throw ConnectionLoss.of("target node", endpoint.atNode(at.getHost(), at.getPort()), e, timeouts.reply());
            }
        }

        private Jedis master(HostAndPort node) {
            Jedis jedis = byMaster.get(node);
            if (jedis == null) {
                jedis = new Jedis(node, RedisClients.clientConfig(endpoint.atNode(node.getHost(), node.getPort()), timeouts.reply()));
                byMaster.put(node, jedis);
                jedis.getConnection().connect();
            }
            return jedis;
        }

        private String reply(Response<String> response, Restore op, RestoreParams params) {
            if (response == null) {
                return restoreRedirected(op, params);
            }
            try {
                response.get();
                return null;
            } catch (JedisRedirectionException moved) {
                return restoreRedirected(op, params);
            } catch (JedisDataException e) {
                return e.getMessage();
            }
        }

        private String restoreRedirected(Restore op, RestoreParams params) {
            try {
                cluster.restore(op.key(), op.expireAtMillis(), op.payload(), params);
                return null;
            } catch (JedisDataException e) {
                return e.getMessage();
            }
        }

        /** Single-key commands on the target db (struct copies, verification, checks). */
        JedisBinaryCommands commands(int db) {
            return cluster != null ? cluster : jedis(db);
        }

        private Jedis jedis(int db) {
            // the target answered the run's first check: a connection that fails now is one lost mid-run
            return byDb.computeIfAbsent(db, d -> ConnectionLoss.open("target", endpoint.withDb(d), timeouts.reply()));
        }

        @Override
        public void close() {
            byDb.values().forEach(RedisClients::closeQuietly);
            byDb.clear();
            byMaster.values().forEach(RedisClients::closeQuietly);
            byMaster.clear();
        }
    }

}
