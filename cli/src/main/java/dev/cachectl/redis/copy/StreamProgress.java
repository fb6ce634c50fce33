package dev.cachectl.redis.copy;

import java.util.TreeMap;

/**
 * Progress of one (source node, db) SCAN. Units complete out of order on several workers; the
 * committed cursor only moves past a unit once every earlier unit is acknowledged, so a
 * checkpoint never skips a key that was not yet written.
 */
final class StreamProgress {
    final SourceNode node;
    final int db;
    final String runId;
    /** Keys in the db when the run began (INFO keyspace): the progress total, and what decides the reader. */
    final long keys;
    private final TreeMap<Long, String> acked = new TreeMap<>();
    private long nextSeq;
    private long committedSeq = -1;
    private String committedCursor;
    private long lastSeq = -1;
    private final String startCursor;
    private final boolean doneBefore;

    /** {@code doneBefore}: an earlier run of this job finished this stream (from its checkpoint). */
    StreamProgress(SourceNode node, int db, String runId, long keys, String startCursor, boolean doneBefore) {
        this.node = node;
        this.db = db;
        this.runId = runId;
        this.keys = keys;
        this.startCursor = startCursor;
        this.committedCursor = startCursor;
        this.doneBefore = doneBefore;
    }

    String startCursor() {
        return startCursor;
    }

    synchronized long nextSeq() {
        return nextSeq++;
    }

    /** The scan returned cursor 0 after unit {@code seq}: no more units. */
    synchronized void scanFinished(long seq) {
        lastSeq = seq;
    }

    /** Unit {@code seq} is written; {@code cursorAfter} is where SCAN goes on after it. */
    synchronized void ack(long seq, String cursorAfter) {
        acked.put(seq, cursorAfter);
        while (!acked.isEmpty() && acked.firstKey() == committedSeq + 1) {
            var first = acked.pollFirstEntry();
            committedSeq = first.getKey();
            committedCursor = first.getValue();
        }
    }

    synchronized boolean done() {
        return doneBefore || lastSeq >= 0 && committedSeq == lastSeq;
    }

    synchronized Checkpoint.Stream checkpoint() {
        boolean finished = done();
        return new Checkpoint.Stream(node.address(), db, runId, finished ? "0" : committedCursor, finished);
    }
}
