package dev.cachectl.redis;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.config.Endpoint;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;

import java.net.SocketTimeoutException;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cluster client's last word after its retries, as Jedis builds it when a node stops answering
 * (no server can be made to give up this way on cue, so the exceptions are built here as Jedis does).
 */
class ConnectionLossTest {
    private static final Endpoint CLUSTER = Endpoint.parse("redis+cluster://127.0.0.1:7000,127.0.0.1:7001");

    @Test
    void retries_that_ended_on_a_node_not_answering_are_a_loss_of_that_node_after_the_timeout_named() {
        var gaveUp = new JedisClusterOperationException("Cluster retry deadline exceeded.",
                new JedisConnectionException(new SocketTimeoutException("Read timed out")), new HostAndPort("127.0.0.1", 7001));

        CachectlException lost = ConnectionLoss.of("target", CLUSTER, gaveUp, Duration.ofSeconds(3));

        assertEquals(ExitCode.DOWN, lost.exitCode());
        assertEquals("lost the connection to target node redis://127.0.0.1:7001: no reply within 3s", lost.getMessage());
    }

    @Test
    void a_connection_opened_mid_run_to_a_server_that_died_is_its_loss_not_a_server_never_reached() throws Exception {
        int port;
        try (java.net.ServerSocket gone = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = gone.getLocalPort();
        }
        Endpoint target = Endpoint.parse("redis://127.0.0.1:" + port);

        CachectlException lost = assertThrows(CachectlException.class, () -> ConnectionLoss.open("target", target,
                Duration.ofSeconds(2)));

        assertEquals(ExitCode.DOWN, lost.exitCode());
        assertEquals("lost the connection to target " + target + ": connection refused (the server is down)",
                lost.getMessage());
    }

    @Test
    void a_retry_deadline_without_a_cause_is_a_loss_of_the_cluster() {
        CachectlException lost = ConnectionLoss.of("target", CLUSTER,
                new JedisClusterOperationException("Cluster retry deadline exceeded."), Duration.ofMillis(1500));

        assertEquals(ExitCode.DOWN, lost.exitCode());
        assertEquals("lost the connection to target " + CLUSTER + ": no answer within 1500ms, retries included", lost.getMessage());
    }
}
