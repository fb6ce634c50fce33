package dev.cachectl.migrate;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes a snapshot into a cluster target: every key as {@code RESTORE … ABSTTL}, through the
 * target's cluster pipeline, which groups keys by the node owning their slot and follows MOVED/ASK.
 * Synchronous: each batch is answered before the next is read from the snapshot.
 */
final class ClusterSnapshotSink implements SnapshotSink {
    private final Target.Session session;
    private final boolean replace;
    private final SnapshotOutcomes outcomes;

    ClusterSnapshotSink(Target target, boolean replace, SnapshotOutcomes outcomes) {
        this.session = target.session();
        this.replace = replace;
        this.outcomes = outcomes;
    }

    @Override
    public boolean restoresStrings() {
        return true;
    }

    @Override
    public void write(List<SnapshotEntry> batch) {
        List<Target.Restore> ops = new ArrayList<>(batch.size());
        for (SnapshotEntry e : batch) {
            ops.add(new Target.Restore(e.targetKey(), e.expireAt(), e.payload()));
        }
        List<String> errors = session.restore(0, ops, replace);
        long keys = 0;
        long bytes = 0;
        for (int i = 0; i < batch.size(); i++) {
            if (errors.get(i) == null) {
                keys++;
                bytes += batch.get(i).bytes();
            } else {
                outcomes.failed(batch.get(i), errors.get(i));
            }
        }
        outcomes.copied(keys, bytes);
    }

    @Override
    public void drain() {
        // synchronous
    }

    @Override
    public void close() {
        session.close();
    }
}
