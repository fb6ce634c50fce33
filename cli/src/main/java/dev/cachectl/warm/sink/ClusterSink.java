package dev.cachectl.warm.sink;

import dev.cachectl.redis.ConnectionLoss;
import dev.cachectl.warm.WriteOp;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisAskDataException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisMovedDataException;
import redis.clients.jedis.providers.ClusterConnectionProvider;
import redis.clients.jedis.util.JedisClusterCRC16;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Pipelines a batch into a Redis Cluster: the writes of each node (by the slot of each key, in input
 * order) go down one pipelined connection to it, all nodes' before any reply is read, then the replies
 * are read node by node. Writes answered MOVED (a reshard moved their slot meanwhile) are sent again
 * where the cluster's map now says, in their order. Writes answered ASK (their slot is half-way through
 * a migration, as during {@code cachectl rebalance}, and the key is not on its old node) go to the
 * node the slot is moving to, each after an ASKING, as the cluster protocol asks, in their order; an
 * answer MOVED or ASK to that sends them round again. When a node cannot be reached or its connection
 * breaks, the sink is lost, with one line saying which node: that node's writes count as unconfirmed,
 * the other nodes' replies are still read and counted (so that written is what landed), and what was
 * never sent, then or in a later batch, counts as not sent.
 */
final class ClusterSink implements BatchSink {
    /** Sends of a batch's writes whose slot moved or is moving: the map is read again before each retry. */
    private static final int MOVED_ATTEMPTS = 3;

    private final ClusterConnectionProvider provider;
    private final String target;
    /** Why this lane lost a node, or null: its later batches are not sent, as after a standalone connection broke. */
    private String lost;
    private Throwable lostCause;

    ClusterSink(ClusterConnectionProvider provider, String target) {
        this.provider = provider;
        this.target = target;
    }

    @Override
    public void send(List<WriteOp> ops, boolean nx, Consumer<BatchResult> done) {
        BatchResult result = new BatchResult();
        if (lost == null) {
            try {
                List<WriteOp> pending = ops;
                for (int attempt = 1; !pending.isEmpty(); attempt++) {
                    pending = write(pending, nx, result, attempt < MOVED_ATTEMPTS);
                    if (!pending.isEmpty()) {
                        renewSlots();
                    }
                }
            } catch (SinkLostException e) {
                lost = e.getMessage();
                lostCause = e.getCause();
            }
        }
        if (lost != null) {
            result.lost = lost;
            // unconfirmed were counted where they were sent; the rest never left (or left and came back MOVED)
            result.notSent = ops.size() - result.answered() - result.unconfirmed;
        }
        done.accept(result);
    }

    /** The slots moved (a reshard, a rebalance): the map is read again and the writes sent where they now go. */
    private void renewSlots() {
        try {
            provider.renewSlotCache();
        } catch (JedisException e) {
            throw new SinkLostException("lost the connection to " + target + ": " + ConnectionLoss.what(e), e);
        }
    }

    /**
     * Sends the ops to the nodes that serve their slots and counts the replies, following ASK; returns the
     * ops answered with MOVED (their slot has another owner now) when {@code retry}, else counts them as failed.
     */
    private List<WriteOp> write(List<WriteOp> ops, boolean nx, BatchResult result, boolean retry) {
        Map<HostAndPort, List<WriteOp>> byNode = new LinkedHashMap<>();
        for (WriteOp op : ops) {
            int slot = JedisClusterCRC16.getSlot(op.key());
            HostAndPort node = provider.getNode(slot);
            if (node == null) {
                throw new SinkLostException("no node of " + target + " serves hash slot " + slot, null);
            }
            byNode.computeIfAbsent(node, n -> new ArrayList<>()).add(op);
        }
        List<WriteOp> moved = new ArrayList<>();
        Map<HostAndPort, List<WriteOp>> asked = new LinkedHashMap<>();
        send(byNode, false, nx, result, retry ? moved : null, asked);
        if (!asked.isEmpty()) {
            // the nodes the slots are moving to, each write after an ASKING; asked again, they go round again
            Map<HostAndPort, List<WriteOp>> again = new LinkedHashMap<>();
            send(asked, true, nx, result, retry ? moved : null, again);
            for (List<WriteOp> stillAsked : again.values()) {
                for (WriteOp op : stillAsked) {
                    if (retry) {
                        moved.add(op);
                    } else {
                        result.failed(op, "its hash slot " + JedisClusterCRC16.getSlot(op.key()) + " is still migrating");
                    }
                }
            }
        }
        return moved;
    }

    /**
     * Pipelines each node's ops down a connection of its own (after an ASKING each, when {@code asking}),
     * all nodes' before any reply is read, then reads and counts the replies node by node; ops answered
     * MOVED go to {@code moved} (failed when it is null), those answered ASK to {@code asked}, by node.
     * Every node's connection is taken before anything is written, so a node that cannot be reached leaves
     * the round unsent; a node lost while writing or reading leaves its ops unconfirmed, and the replies of
     * the others are read all the same. A pipeline is never left unread: its pooled connection would carry
     * the writes, or their replies, into the next batch, where nothing would count them.
     */
    private void send(Map<HostAndPort, List<WriteOp>> byNode, boolean asking, boolean nx, BatchResult result,
                      List<WriteOp> moved, Map<HostAndPort, List<WriteOp>> asked) {
        Map<HostAndPort, Connection> held = new LinkedHashMap<>();
        SinkLostException loss = null;
        try {
            for (HostAndPort node : byNode.keySet()) {
                try {
                    held.put(node, provider.getConnection(node));
                } catch (JedisException e) {
                    throw lossAt(node, e);
                }
            }
            Map<HostAndPort, Pipeline> pipelines = new LinkedHashMap<>();
            Map<HostAndPort, List<List<Response<?>>>> replies = new LinkedHashMap<>();
            for (Map.Entry<HostAndPort, List<WriteOp>> e : byNode.entrySet()) {
                Pipeline pipeline = new Pipeline(held.get(e.getKey()));
                try {
                    replies.put(e.getKey(), append(pipeline, e.getValue(), nx, asking));
                    pipelines.put(e.getKey(), pipeline);
                } catch (JedisException lostWhileWriting) {
                    // part of its ops may have gone out; the nodes after it get none
                    result.unconfirmed += e.getValue().size();
                    loss = lossAt(e.getKey(), lostWhileWriting);
                    break;
                }
            }
            for (Map.Entry<HostAndPort, Pipeline> e : pipelines.entrySet()) {
                List<WriteOp> ops = byNode.get(e.getKey());
                try {
                    e.getValue().sync();
                } catch (JedisException lostWhileReading) {
                    result.unconfirmed += ops.size();
                    loss = loss != null ? loss : lossAt(e.getKey(), lostWhileReading);
                    continue;
                }
                count(e.getKey(), ops, replies.get(e.getKey()), result, moved, asked);
            }
        } finally {
            for (Connection connection : held.values()) {
                try {
                    connection.close();
                } catch (JedisException e) {
                    // a broken connection goes back to its pool, which may fail to replace it: already reported
                }
            }
        }
        if (loss != null) {
            throw loss;
        }
    }

    private SinkLostException lossAt(HostAndPort node, JedisException e) {
        return new SinkLostException("lost the connection to " + node + " of " + target + ": " + ConnectionLoss.what(e), e);
    }

    /**
     * Sends the node's writes down its pipeline, each after an ASKING when {@code asking}; the replies are read
     * later: each op's, the last of which says how it went (see {@link Commands#hash}).
     */
    private static List<List<Response<?>>> append(Pipeline pipeline, List<WriteOp> ops, boolean nx, boolean asking) {
        List<List<Response<?>>> replies = new ArrayList<>(ops.size());
        boolean loaded = false;
        for (WriteOp op : ops) {
            List<Response<?>> own = new ArrayList<>();
            if (nx && op.isHash() && !loaded) {
                // before any ASKING, which holds for the one command after it (or for a whole MULTI)
                own.add(send(pipeline, Commands.loadNxScript()));
                loaded = true;
            }
            if (asking) {
                // its reply is read (sync) but not looked at: an error comes back on the write that follows
                pipeline.sendCommand(Protocol.Command.ASKING, new byte[0][]);
            }
            if (op.isHash()) {
                for (Commands.Command command : Commands.hash(op, nx)) {
                    own.add(send(pipeline, command));
                }
            } else {
                SetParams params = new SetParams();
                if (op.ttlMillis() > 0) {
                    params.px(op.ttlMillis());
                }
                if (nx) {
                    params.nx();
                }
                own.add(pipeline.set(op.key(), op.value().toArray(), params));
            }
            replies.add(own);
        }
        return replies;
    }

    private static Response<Object> send(Pipeline pipeline, Commands.Command command) {
        return pipeline.sendCommand(command.name(), command.args());
    }

    /**
     * Counts each op's reply; one answered MOVED goes to {@code moved} when that is not null, one answered ASK to
     * {@code asked}. An op whose last reply is an error failed for the first error among its replies (a full
     * server refuses the commands queued in a MULTI, then aborts its EXEC). The NX script's EXISTS is a lookup
     * on {@code node}.
     */
    private static void count(HostAndPort node, List<WriteOp> ops, List<List<Response<?>>> replies, BatchResult result,
                              List<WriteOp> moved, Map<HostAndPort, List<WriteOp>> asked) {
        for (int i = 0; i < ops.size(); i++) {
            List<Response<?>> own = replies.get(i);
            try {
                Object reply = outcome(own);
                if (reply instanceof Long n) {
                    // only the NX script answers with an integer: 0 when its EXISTS found the key, 1 when it wrote
                    result.lookedUp(node.toString(), n == 0);
                }
                if (reply == null || reply instanceof Long n && n == 0) {
                    result.skipped++;
                } else {
                    result.written++;
                }
            } catch (JedisAskDataException e) {
                asked.computeIfAbsent(e.getTargetNode(), n -> new ArrayList<>()).add(ops.get(i));
            } catch (JedisMovedDataException e) {
                if (moved != null) {
                    moved.add(ops.get(i));
                } else {
                    result.failed(ops.get(i), e.getMessage());
                }
            } catch (JedisDataException e) {
                if (Commands.ranScript(e.getMessage())) {
                    result.lookedUp(node.toString(), false); // the NX script's EXISTS found nothing, then a write failed
                }
                result.failed(ops.get(i), Commands.reason(e.getMessage()));
            }
        }
    }

    /** The op's last reply, or, when that is an error, the first error among its replies, thrown. */
    private static Object outcome(List<Response<?>> own) {
        Object reply;
        try {
            reply = own.get(own.size() - 1).get();
        } catch (JedisDataException e) {
            for (Response<?> earlier : own.subList(0, own.size() - 1)) {
                earlier.get(); // throws the first error, which says why the last one failed
            }
            throw e;
        }
        if (reply instanceof List<?> exec) {
            for (Object element : exec) {
                if (element instanceof JedisDataException failed) {
                    throw failed;
                }
            }
        }
        return reply;
    }

    @Override
    public Throwable lostCause() {
        return lostCause;
    }

    @Override
    public void close() {
        // the connection provider is shared by every sink and closed by the target
    }
}
