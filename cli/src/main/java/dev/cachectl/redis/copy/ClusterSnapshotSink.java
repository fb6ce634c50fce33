package dev.cachectl.redis.copy;

import dev.cachectl.CachectlException;
import dev.cachectl.redis.resp.RespPipe;
import dev.cachectl.redis.resp.RespReader;
import redis.clients.jedis.util.JedisClusterCRC16;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Streams a snapshot into a cluster target: each key goes to the master that serves its slot
 * (CRC16 of the key or its hash tag, from CLUSTER NODES), over one {@link RespPipe} per master, as
 * SET or RESTORE ({@link SnapshotCommands}: MSET cannot span slots). A key answered MOVED or ASK,
 * because its slot moved since, is written again through the cluster client, which follows the
 * redirection and refreshes its slot map.
 */
final class ClusterSnapshotSink implements SnapshotSink {

    private final Target target;
    private final boolean replace;
    private final boolean pxat;
    private final SnapshotOutcomes outcomes;
    private final SourceNode[] owners;
    private final Map<SourceNode, RespPipe> pipes = new HashMap<>();

    ClusterSnapshotSink(Target target, boolean replace, SnapshotOutcomes outcomes) {
        this.target = target;
        this.replace = replace;
        this.pxat = target.knowsPxat();
        this.outcomes = outcomes;
        this.owners = Topology.slotOwners(target.endpoint(), target.timeouts().quick());
    }

    @Override
    public void write(List<SnapshotEntry> batch) {
        Map<SourceNode, List<SnapshotEntry>> byNode = new HashMap<>();
        List<SnapshotEntry> unowned = new ArrayList<>();
        for (SnapshotEntry e : batch) {
            SourceNode owner = owners[JedisClusterCRC16.getSlot(e.targetKey())];
            if (owner == null) {
                unowned.add(e);
            } else {
                byNode.computeIfAbsent(owner, a -> new ArrayList<>()).add(e);
            }
        }
        for (Map.Entry<SourceNode, List<SnapshotEntry>> node : byNode.entrySet()) {
            RespPipe pipe = pipe(node.getKey());
            for (SnapshotEntry e : node.getValue()) {
                SnapshotCommands.write(pipe.encoder(), e, replace, pxat);
            }
            if (!pipe.send(node.getValue().size(), new Matcher(node.getValue()))) {
                outcomes.lost(pipe.lost());
            }
        }
        unowned.forEach(this::redirect);
    }

    private RespPipe pipe(SourceNode node) {
        // a pipeline of big values takes longer to answer than one command: twice --timeout
        return pipes.computeIfAbsent(node, n -> RespPipe.open("target node", n.endpoint(), target.timeouts().reply(),
                target.timeouts().snapshot(), "cachectl-snapshot-" + n.address()));
    }

    /** The slot is elsewhere now: the cluster client finds it. Called on a reply thread too. */
    private void redirect(SnapshotEntry e) {
        String error;
        try {
            error = target.writeRedirected(e, replace);
        } catch (CachectlException lost) {
            outcomes.lost(lost.getMessage());
            return;
        }
        if (error == null) {
            outcomes.copied(1, e.bytes());
        } else if (error.isEmpty()) {
            outcomes.skipped();
        } else {
            outcomes.failed(e, error);
        }
    }

    /** Matches one node's replies to its entries. */
    private final class Matcher implements RespPipe.Replies {
        private final List<SnapshotEntry> entries;
        private int next;
        private long copiedKeys;
        private long copiedBytes;

        Matcher(List<SnapshotEntry> entries) {
            this.entries = entries;
        }

        @Override
        public void reply(int kind, RespReader reader) {
            SnapshotEntry e = entries.get(next++);
            if (kind == RespReader.ERROR) {
                String error = reader.error();
                if (error.startsWith("MOVED") || error.startsWith("ASK")) {
                    redirect(e);
                } else {
                    outcomes.failed(e, error);
                }
            } else if (kind == RespReader.NIL) {
                outcomes.skipped();
            } else {
                copiedKeys++;
                copiedBytes += e.bytes();
            }
        }

        @Override
        public void done(String lost, int answered) {
            outcomes.copied(copiedKeys, copiedBytes);
            if (lost != null) {
                outcomes.lost(lost);
            }
        }
    }

    @Override
    public void drain() {
        pipes.values().forEach(RespPipe::drain);
    }

    @Override
    public void close() {
        pipes.values().forEach(RespPipe::close);
    }
}
