package dev.cachectl.rebalance.cluster;

import dev.cachectl.redis.ClusterNodes;
import dev.cachectl.testing.Await;
import dev.cachectl.testing.CachectlHome;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.util.JedisClusterCRC16;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A managed 3-master cluster loaded with skewed data (small values everywhere, big ones under four hash tags),
 * optionally with an empty fourth master: a plain cluster-enabled redis-server started in the test's work dir
 * (so the leak check sees it) and joined with CLUSTER MEET. {@link #close} stops that extra server.
 */
final class SkewedCluster implements AutoCloseable {
    static final int SMALL = 3000;
    static final int BIG = 40;

    final CachectlHome home;
    final String url;
    private Process extra;
    int extraPort;

    SkewedCluster(CachectlHome home, String name) {
        this.home = home;
        this.url = home.run("start", name, "--cluster", "3").assertOk().out().trim();
    }

    JedisCluster client() {
        Set<HostAndPort> seeds = new HashSet<>();
        for (String seed : url.substring("redis+cluster://".length()).split(",")) {
            seeds.add(HostAndPort.from(seed));
        }
        return new JedisCluster(seeds);
    }

    int seedPort() {
        return HostAndPort.from(url.substring("redis+cluster://".length()).split(",")[0]).getPort();
    }

    SkewedCluster load() {
        try (JedisCluster c = client(); var p = c.pipelined()) {
            String small = "s".repeat(400);
            for (int i = 0; i < SMALL; i++) {
                p.set("k:" + i, small);
            }
            String big = "b".repeat(40_000);
            for (int i = 0; i < BIG; i++) {
                p.set("{tenant" + i % 4 + "}:blob:" + i, big);
            }
            p.sync();
        }
        return this;
    }

    long keys() {
        return masters().stream().mapToLong(m -> {
            try (Jedis j = new Jedis(m.host(), m.port())) {
                return j.dbSize();
            }
        }).sum();
    }

    /** MEMORY USAGE of every key, summed per slot, as each master holds them: the exact value cachectl estimates. */
    Map<String, Map<Integer, Long>> exactBytesBySlot() {
        Map<String, Map<Integer, Long>> byMaster = new TreeMap<>();
        for (ClusterNodes.Node m : masters()) {
            Map<Integer, Long> slots = new TreeMap<>();
            try (Jedis j = new Jedis(m.host(), m.port())) {
                ScanParams all = new ScanParams().count(1000);
                String cursor = ScanParams.SCAN_POINTER_START;
                do {
                    ScanResult<String> page = j.scan(cursor, all);
                    Pipeline p = j.pipelined();
                    List<Response<Long>> usage = page.getResult().stream().map(p::memoryUsage).toList();
                    p.sync();
                    for (int i = 0; i < usage.size(); i++) {
                        slots.merge(JedisClusterCRC16.getSlot(page.getResult().get(i)), usage.get(i).get(), Long::sum);
                    }
                    cursor = page.getCursor();
                } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
            }
            byMaster.put(m.address(), slots);
        }
        return byMaster;
    }

    List<ClusterNodes.Node> masters() {
        try (Jedis j = new Jedis("127.0.0.1", seedPort())) {
            return ClusterNodes.parse(j.clusterNodes(), "127.0.0.1").stream().filter(ClusterNodes.Node::master).toList();
        }
    }

    /** Open slots on any master, as "[slot->-id]" entries. */
    List<String> openSlots() {
        List<String> open = new ArrayList<>();
        for (ClusterNodes.Node m : masters()) {
            try (Jedis j = new Jedis(m.host(), m.port())) {
                for (ClusterNodes.Node self : ClusterNodes.parse(j.clusterNodes(), "127.0.0.1")) {
                    if (self.flags().contains("myself")) {
                        self.slots().stream().filter(s -> s.startsWith("[")).forEach(open::add);
                    }
                }
            }
        }
        return open;
    }

    SkewedCluster withEmptyMaster() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            extraPort = s.getLocalPort();
        }
        Path dir = home.workDir().resolve("extra");
        Files.createDirectories(dir);
        extra = new ProcessBuilder("redis-server", "--port", Integer.toString(extraPort), "--bind", "127.0.0.1",
                "--cluster-enabled", "yes", "--save", "", "--appendonly", "no")
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
        Await.until(Duration.ofSeconds(10), "the extra server answers", () -> {
            try (Jedis j = new Jedis("127.0.0.1", extraPort)) {
                return "PONG".equals(j.ping());
            } catch (RuntimeException e) {
                return false;
            }
        });
        try (Jedis seed = new Jedis("127.0.0.1", seedPort())) {
            seed.clusterMeet("127.0.0.1", extraPort);
        }
        Await.until(Duration.ofSeconds(20), "every node knows the fourth master", () -> {
            for (ClusterNodes.Node m : masters()) {
                if (m.port() == extraPort) {
                    continue;
                }
                try (Jedis j = new Jedis(m.host(), m.port())) {
                    String nodes = j.clusterNodes();
                    if (!nodes.contains(":" + extraPort + "@") || nodes.contains("handshake")) {
                        return false;
                    }
                }
            }
            try (Jedis j = new Jedis("127.0.0.1", extraPort)) {
                return j.clusterNodes().lines().count() == 4 && !j.clusterNodes().contains("handshake")
                        && j.clusterInfo().contains("cluster_state:ok");
            }
        });
        return this;
    }

    @Override
    public void close() {
        if (extra != null) {
            extra.destroyForcibly();
            try {
                extra.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
