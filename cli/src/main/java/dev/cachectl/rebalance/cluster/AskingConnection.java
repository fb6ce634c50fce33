package dev.cachectl.rebalance.cluster;

import redis.clients.jedis.CommandObject;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.Protocol;

/**
 * A connection to a node importing a slot that sends ASKING before every command, so that the node
 * accepts writes to keys of that slot while it does not own it yet (ASKING holds for one command).
 */
final class AskingConnection extends Connection {
    /** False while the connection authenticates, which must not be preceded by ASKING. */
    private boolean ready;

    AskingConnection(HostAndPort node, JedisClientConfig config) {
        super(node, config);
        ready = true;
    }

    @Override
    public <T> T executeCommand(CommandObject<T> command) {
        if (ready) {
            sendCommand(Protocol.Command.ASKING);
            getStatusCodeReply();
        }
        return super.executeCommand(command);
    }
}
