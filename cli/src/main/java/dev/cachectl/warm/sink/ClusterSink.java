package dev.cachectl.warm.sink;

import dev.cachectl.warm.WriteOp;
import redis.clients.jedis.ClusterPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.providers.ClusterConnectionProvider;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Pipelines a batch into a Redis Cluster: Jedis's cluster pipeline groups the commands by the node
 * that owns each key's slot. When a node is lost the whole batch counts as unconfirmed, because the
 * pipeline does not say which of its nodes had answered.
 */
final class ClusterSink implements BatchSink {
    private final ClusterConnectionProvider provider;
    private final String target;

    ClusterSink(ClusterConnectionProvider provider, String target) {
        this.provider = provider;
        this.target = target;
    }

    @Override
    public void send(List<WriteOp> ops, boolean nx, Consumer<BatchResult> done) {
        BatchResult result = new BatchResult();
        try {
            write(ops, nx, result);
        } catch (SinkLostException e) {
            result.lost = e.getMessage();
            result.unconfirmed = ops.size();
        }
        done.accept(result);
    }

    @Override
    public void drain() {
        // synchronous: every batch is answered before send returns
    }

    private void write(List<WriteOp> ops, boolean nx, BatchResult result) {
        List<Response<?>> replies = new ArrayList<>(ops.size());
        try (ClusterPipeline pipeline = new ClusterPipeline(provider, (redis.clients.jedis.RedisProtocol) null)) {
            for (WriteOp op : ops) {
                if (op.isHash()) {
                    byte[][] args = Commands.hashArgs(op, nx);
                    replies.add(pipeline.eval(Commands.HASH_SCRIPT, List.of(op.key()), Arrays.asList(args).subList(3, args.length)));
                } else {
                    SetParams params = new SetParams();
                    if (op.ttlMillis() > 0) {
                        params.px(op.ttlMillis());
                    }
                    if (nx) {
                        params.nx();
                    }
                    replies.add(pipeline.set(op.key(), op.value(), params));
                }
            }
            pipeline.sync();
        } catch (JedisDataException e) {
            // per-command errors are read from each response below
        } catch (JedisException e) {
            throw new SinkLostException("lost the connection to " + target + ": " + rootMessage(e), e);
        }
        for (int i = 0; i < ops.size(); i++) {
            try {
                Object reply = replies.get(i).get();
                if (reply == null || reply instanceof Long n && n == 0) {
                    result.skipped++;
                } else {
                    result.written++;
                }
            } catch (JedisDataException e) {
                result.failed(ops.get(i), e.getMessage());
            }
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        // never a class name: an EOFException, say, has no message of its own
        String m = t.getMessage() != null ? t.getMessage()
                : t instanceof java.io.EOFException ? "the server closed the connection" : "no detail given";
        return m.lines().findFirst().orElse(m);
    }

    @Override
    public void close() {
        // the connection provider is shared by every sink and closed by the target
    }
}
