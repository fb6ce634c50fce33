package dev.cachectl.bench;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.config.Endpoint;
import dev.cachectl.redis.ClusterNodes;
import dev.cachectl.redis.RedisClients;
import dev.cachectl.redis.RedisInfo;
import dev.cachectl.redis.TlsTrust;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisAskDataException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisRedirectionException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.util.JedisClusterCRC16;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A standalone Redis or a cluster's masters: counters and checks through Jedis (summed over masters),
 * the load through {@link RedisLoadLoop}s with, per client, one connection to each master.
 */
final class RedisBenchTarget implements BenchTarget {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** UNLINKs per pipeline when cleaning up. */
    private static final int DELETE_BATCH = 1000;

    private final String label;
    private final List<Endpoint> nodes = new ArrayList<>();
    private final List<Jedis> controls = new ArrayList<>();
    private final int[] slotOwner;

    RedisBenchTarget(String label, Endpoint endpoint) {
        this.label = label;
        if (!endpoint.cluster()) {
            nodes.add(endpoint);
            slotOwner = null;
        } else {
            slotOwner = new int[16384];
            java.util.Arrays.fill(slotOwner, -1);
            for (ClusterNodes.Node node : ClusterNodes.fetch(endpoint, TIMEOUT)) {
                if (!node.master() || node.handshake() || node.slots().isEmpty()) {
                    continue;
                }
                for (String range : node.slots()) {
                    if (range.startsWith("[")) {
                        continue;
                    }
                    int dash = range.indexOf('-');
                    int from = Integer.parseInt(dash < 0 ? range : range.substring(0, dash));
                    int to = dash < 0 ? from : Integer.parseInt(range.substring(dash + 1));
                    java.util.Arrays.fill(slotOwner, from, to + 1, nodes.size());
                }
                nodes.add(endpoint.atNode(node.host(), node.port()));
            }
            for (int owner : slotOwner) {
                if (owner < 0) {
                    throw CachectlException.failed(label + " does not serve every slot: fix the cluster (cachectl status "
                            + label + ") before benchmarking it");
                }
            }
        }
        try {
            for (Endpoint node : nodes) {
                controls.add(RedisClients.open(node, TIMEOUT));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public List<String> nodes() {
        return nodes.stream().map(n -> n.host() + ":" + n.port()).toList();
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public ServerView view() {
        ServerView sum = new ServerView(0, 0, 0, 0, 0, 0, 0);
        for (Jedis control : controls) {
            sum = sum.plus(view(control));
        }
        return sum;
    }

    private static ServerView view(Jedis control) {
        RedisInfo info = RedisInfo.parse(control.info("stats") + "\n" + control.info("memory") + "\n" + control.info("commandstats"));
        return new ServerView(info.number("total_commands_processed"), calls(info, "set"), calls(info, "get"),
                info.number("used_memory"), info.number("evicted_keys"), info.number("keyspace_hits"),
                info.number("keyspace_misses"));
    }

    private static long calls(RedisInfo info, String command) {
        String stat = info.get("cmdstat_" + command);
        if (stat == null) {
            return 0;
        }
        for (String part : stat.split(",")) {
            if (part.startsWith("calls=")) {
                return Long.parseLong(part.substring(6));
            }
        }
        return 0;
    }

    @Override
    public String refusal() {
        for (Jedis control : controls) {
            String role = RedisInfo.parse(control.info("replication")).get("role");
            if ("slave".equals(role)) {
                return label + " is a replica: bench writes, so give its master";
            }
        }
        return null;
    }

    @Override
    public long keysUnder(String prefix) {
        long n = 0;
        for (Jedis control : controls) {
            for (List<String> batch : scan(control, prefix)) {
                n += batch.size();
            }
        }
        return n;
    }

    @Override
    public Cleanup delete(Workload workload) {
        List<List<String>> pending = new ArrayList<>();
        controls.forEach(c -> pending.add(new ArrayList<>()));
        boolean[] lost = new boolean[controls.size()];
        long removed = 0;
        for (long i = 0; i < workload.keys(); i++) {
            String key = workload.key(i);
            int node = slotOwner == null ? 0 : slotOwner[JedisClusterCRC16.getSlot(key)];
            List<String> batch = pending.get(node);
            if (lost[node]) {
                continue;
            }
            batch.add(key);
            if (batch.size() == DELETE_BATCH) {
                removed += unlink(node, batch, lost);
                batch.clear();
            }
        }
        for (int node = 0; node < pending.size(); node++) {
            if (!lost[node] && !pending.get(node).isEmpty()) {
                removed += unlink(node, pending.get(node), lost);
            }
        }
        List<String> unreachable = new ArrayList<>();
        for (int node = 0; node < lost.length; node++) {
            if (lost[node]) {
                unreachable.add(nodes().get(node));
            }
        }
        return new Cleanup(removed, unreachable);
    }

    /**
     * One pipeline of UNLINKs (one per key: a node's keys span slots, which a cluster refuses in one command) on
     * {@code node}; a key whose slot moved meanwhile is followed to its new master. Returns the keys removed; a node
     * that does not answer is marked in {@code lost}.
     */
    private long unlink(int node, List<String> keys, boolean[] lost) {
        List<Response<Long>> replies = new ArrayList<>(keys.size());
        try {
            Pipeline pipe = controls.get(node).pipelined();
            keys.forEach(k -> replies.add(pipe.unlink(k)));
            pipe.sync();
        } catch (JedisConnectionException e) {
            lost[node] = true;
            return 0;
        }
        long removed = 0;
        for (int k = 0; k < keys.size(); k++) {
            try {
                removed += replies.get(k).get();
            } catch (JedisRedirectionException e) {
                removed += unlinkAt(e.getTargetNode(), keys.get(k), e instanceof JedisAskDataException);
            }
        }
        return removed;
    }

    /** A key that MOVED or ASK sent elsewhere, on a connection of its own (rare: a slot moved during the run). */
    private long unlinkAt(HostAndPort node, String key, boolean asking) {
        try (Jedis jedis = RedisClients.open(nodes.get(0).atNode(node.getHost(), node.getPort()), TIMEOUT)) {
            if (asking) {
                jedis.asking();
            }
            return jedis.unlink(key);
        }
    }

    /** Every key under {@code prefix}, in SCAN batches. */
    private static Iterable<List<String>> scan(Jedis control, String prefix) {
        List<List<String>> batches = new ArrayList<>();
        ScanParams params = new ScanParams().match(glob(prefix) + "*").count(1000);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = control.scan(cursor, params);
            batches.add(page.getResult());
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return batches;
    }

    private static String glob(String prefix) {
        return prefix.replaceAll("([*?\\[\\]\\\\])", "\\\\$1");
    }

    @Override
    public void drive(Workload workload, LoadShape shape, LoadRun run) {
        byte[] value = workload.valueBytes();
        Zipf zipf = workload.zipfTable();
        Routes routes = slotOwner == null ? Routes.single(nodes().get(0)) : Routes.cluster(nodes(), slotOwner.clone(), workload);
        List<List<Wire[]>> perThread = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        try {
            for (int t = 0; t < shape.threads(); t++) {
                perThread.add(new ArrayList<>());
            }
            for (int c = 0; c < shape.clients(); c++) {
                Wire[] client = new Wire[nodes.size()];
                perThread.get(c % shape.threads()).add(client);
                for (int n = 0; n < client.length; n++) {
                    client[n] = connect(nodes.get(n));
                }
            }
            for (int t = 0; t < shape.threads(); t++) {
                RedisLoadLoop loop = new RedisLoadLoop(perThread.get(t), routes, run, t, shape.threads(), workload, shape, zipf, value);
                threads.add(new Thread(loop, "bench-io-" + t));
            }
        } catch (IOException e) {
            perThread.forEach(RedisBenchTarget::closeAll);
            throw new CachectlException(ExitCode.DOWN, "cannot open " + shape.clients() * nodes.size() + " connections to " + label
                    + ": " + dev.cachectl.redis.ConnectionLoss.what(e), e);
        }
        run.runAll(threads);
    }

    /**
     * A connection, through TLS when the endpoint says so (trusting its CA file, or the JVM's trust
     * store), authenticated and on the right db, non-blocking for the selector.
     */
    private static Wire connect(Endpoint endpoint) throws IOException {
        SocketChannel channel = SocketChannel.open();
        try {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.socket().connect(new InetSocketAddress(endpoint.host(), endpoint.port()), (int) TIMEOUT.toMillis());
            channel.configureBlocking(false);
            Wire wire;
            if (endpoint.tls()) {
                TlsWire tls = new TlsWire(channel, TlsTrust.context(endpoint.caCert()), endpoint.host(), endpoint.port());
                tls.handshake(deadline);
                wire = tls;
            } else {
                wire = new Wire.Plain(channel);
            }
            if (endpoint.password() != null) {
                hello(wire, deadline, endpoint.user() == null ? List.of("AUTH", endpoint.password())
                        : List.of("AUTH", endpoint.user(), endpoint.password()));
            }
            if (endpoint.db() != 0) {
                hello(wire, deadline, List.of("SELECT", Integer.toString(endpoint.db())));
            }
            return wire;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** One command and its one-line reply, before the load starts; the control connection already proved the credentials. */
    private static void hello(Wire wire, long deadline, List<String> parts) throws IOException {
        StringBuilder command = new StringBuilder("*").append(parts.size()).append("\r\n");
        for (String p : parts) {
            command.append('$').append(p.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(p).append("\r\n");
        }
        Wire.send(wire, ByteBuffer.wrap(command.toString().getBytes(StandardCharsets.UTF_8)), deadline);
        ByteBuffer reply = ByteBuffer.allocate(1 << 16);
        while (reply.position() == 0 || reply.get(reply.position() - 1) != '\n') {
            if (Wire.receive(wire, reply, deadline) < 0) {
                throw new IOException("the server closed the connection");
            }
        }
        if (reply.get(0) != '+') {
            throw new IOException("the server refused " + parts.get(0));
        }
    }

    private static void closeAll(List<Wire[]> clients) {
        for (Wire[] client : clients) {
            for (Wire c : client) {
                try {
                    if (c != null) {
                        c.channel().close();
                    }
                } catch (IOException ignored) {
                    // closing
                }
            }
        }
    }

    @Override
    public void close() {
        controls.forEach(Jedis::close);
    }
}
