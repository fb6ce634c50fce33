package dev.cachectl.redis.copy;

import dev.cachectl.migrate.CopyUnit;

/**
 * One (source node, db) of a Redis copy: a unit of the orchestrator, whose resume token is the SCAN
 * cursor before which every key is acknowledged by the target (the orchestrator keeps it, and moves it
 * past a batch only once every earlier batch is written, so a checkpoint never skips a key).
 */
final class StreamProgress {
    final SourceNode node;
    final int db;
    final String runId;
    /** Keys in the db when the run began (INFO keyspace): the progress total, and what decides the reader. */
    final long keys;
    private final String startCursor;
    private final boolean doneBefore;

    /** {@code doneBefore}: an earlier run of this job finished this stream (from its checkpoint). */
    StreamProgress(SourceNode node, int db, String runId, long keys, String startCursor, boolean doneBefore) {
        this.node = node;
        this.db = db;
        this.runId = runId;
        this.keys = keys;
        this.startCursor = startCursor;
        this.doneBefore = doneBefore;
    }

    /** Its name in the orchestrator: node and db. */
    static String name(String node, int db) {
        return node + "/db" + db;
    }

    String name() {
        return name(node.address(), db);
    }

    /** The cursor the run starts from: "0", or where the resumed checkpoint left it. */
    String startCursor() {
        return startCursor;
    }

    /** Whether an earlier run of this job finished it. */
    boolean done() {
        return doneBefore;
    }

    CopyUnit unit(int targetDb) {
        return new CopyUnit(name(), "db" + targetDb, keys, 0, node.address());
    }
}
