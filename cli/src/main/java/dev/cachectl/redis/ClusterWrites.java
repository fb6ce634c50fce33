package dev.cachectl.redis;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.config.Endpoint;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisException;

import java.time.Duration;
import java.util.Optional;

/**
 * Whether every write into a Redis Cluster has a master to land on: each master that serves slots
 * answers, is not flagged failing, and sees the cluster ok. A master killed a moment ago is only found
 * by asking it: the others flag it after the node timeout. A replica that is down, or a dead master whose
 * slots a replica took over, leaves every write a home, and is no problem here.
 */
public final class ClusterWrites {

    private ClusterWrites() {
    }

    /**
     * The problem, named as status names it ("node 127.0.0.1:P (master) is down: …"), or empty. A master that
     * is down or flagged comes first: the others then report cluster_state:fail, which does not say why.
     */
    public static Optional<String> problem(Endpoint cluster, Duration timeout) {
        String stateProblem = null;
        for (ClusterNodes.Node node : ClusterNodes.fetch(cluster, timeout)) {
            if (!node.master() || node.slots().stream().allMatch(s -> s.startsWith("["))) {
                continue;
            }
            String who = "node " + node.address() + " (master)";
            if (node.trouble() != null) {
                return Optional.of(who + " is flagged " + node.trouble() + " by the cluster");
            }
            Endpoint at = cluster.atNode(node.host(), node.port());
            String state;
            try (Connection connection = new Connection(new HostAndPort(node.host(), node.port()),
                    RedisClients.clientConfig(at, timeout))) {
                connection.sendCommand(Protocol.Command.CLUSTER, "INFO");
                state = RedisInfo.parse(connection.getBulkReply()).get("cluster_state");
            } catch (JedisException e) {
                CachectlException why = RedisClients.translate(at, e);
                if (why.exitCode() != ExitCode.DOWN) {
                    throw why;
                }
                return Optional.of(who + " is down: " + why.getMessage());
            }
            if (!"ok".equals(state) && stateProblem == null) {
                stateProblem = who + " reports cluster_state:" + state;
            }
        }
        return Optional.ofNullable(stateProblem);
    }
}
