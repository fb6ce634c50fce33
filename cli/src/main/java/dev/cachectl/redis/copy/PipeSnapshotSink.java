package dev.cachectl.redis.copy;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.config.Endpoint;
import dev.cachectl.redis.resp.RespPipe;
import dev.cachectl.redis.resp.RespReader;
import dev.cachectl.redis.resp.RespWriter;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Streams a snapshot into a standalone target over one {@link RespPipe}, with the cheapest command
 * that means the same to the server: runs of plain strings as one MSET, a string with an expiry as
 * {@code SET … PXAT} (its absolute expiry, so no drift), anything else as {@code RESTORE … ABSTTL}.
 * With {@code --skip-existing}, NX on SET and no REPLACE on RESTORE. SELECT follows the source db,
 * answered before any write that needs it is sent.
 */
final class PipeSnapshotSink implements SnapshotSink {
    private static final byte[] SELECT = ascii("SELECT");
    private static final byte[] MSET = ascii("MSET");

    private final Target target;
    private final RespPipe pipe;
    private final boolean replace;
    private final boolean pxat;
    private final SnapshotOutcomes outcomes;
    private int db = -1;

    /** SET … PXAT when the target knows it (Redis 6.2+); older ones get the TTL left, computed at send time. */
    PipeSnapshotSink(Target target, boolean replace, SnapshotOutcomes outcomes) {
        this.target = target;
        Endpoint endpoint = target.endpoint();
        // a pipeline of big values takes longer to answer than one command: twice --timeout
        this.pipe = RespPipe.open("target", endpoint, target.timeouts().reply(), target.timeouts().snapshot(),
                "cachectl-snapshot-replies");
        this.replace = replace;
        this.pxat = target.knowsPxat();
        this.outcomes = outcomes;
    }

    @Override
    public void write(List<SnapshotEntry> batch) throws InterruptedException {
        int from = 0;
        while (from < batch.size()) {
            int to = from + 1;
            while (to < batch.size() && batch.get(to).targetDb() == batch.get(from).targetDb()) {
                to++;
            }
            if (batch.get(from).targetDb() != db && !select(batch.get(from))) {
                return;
            }
            send(batch.subList(from, to));
            from = to;
        }
    }

    /**
     * SELECT as a round trip of its own, once per db of the snapshot: pipelined with the writes, a SELECT
     * the target refused left them to land in the db selected before, counted as copied. False when the
     * connection is lost (the run ends, {@link SnapshotOutcomes#lost} says why); throws when refused.
     */
    private boolean select(SnapshotEntry first) throws InterruptedException {
        int want = first.targetDb();
        RespWriter out = pipe.encoder();
        out.array(2);
        out.bulk(SELECT);
        out.bulk(want);
        Answer answer = new Answer();
        if (!pipe.send(1, answer)) {
            outcomes.lost(pipe.lost());
            return false;
        }
        answer.done.await();
        if (answer.lost != null) {
            return false; // done() passed it to the outcomes
        }
        if (answer.error != null) {
            throw answer.error.contains("DB index is out of range") ? target.noDb(first.sourceDb(), want)
                    : new CachectlException(ExitCode.FAILED, "target " + target.endpoint() + ": SELECT " + want
                    + " failed: " + answer.error);
        }
        db = want;
        return true;
    }

    /** The answer to a SELECT, awaited by the writer. */
    private final class Answer implements RespPipe.Replies {
        final CountDownLatch done = new CountDownLatch(1);
        volatile String error;
        volatile String lost;

        @Override
        public void reply(int kind, RespReader reader) {
            if (kind == RespReader.ERROR) {
                error = reader.error();
            }
        }

        @Override
        public void done(String lost, int answered) {
            this.lost = lost;
            if (lost != null) {
                outcomes.lost(lost);
            }
            done.countDown();
        }
    }

    /** Entries of the selected db, in as few commands as their kinds allow. */
    private void send(List<SnapshotEntry> batch) {
        RespWriter out = pipe.encoder();
        // per command: the entries [first, first + covered) it carries
        int[] firsts = new int[batch.size()];
        int[] covered = new int[batch.size()];
        int commands = 0;
        int i = 0;
        while (i < batch.size()) {
            int run = plainRun(batch, i);
            firsts[commands] = i;
            covered[commands++] = run;
            if (run > 1) {
                out.array(1 + 2 * run);
                out.bulk(MSET);
                for (int k = i; k < i + run; k++) {
                    out.bulk(batch.get(k).targetKey());
                    out.bulk(batch.get(k).value());
                }
            } else {
                SnapshotCommands.write(out, batch.get(i), replace, pxat);
            }
            i += run;
        }
        if (!pipe.send(commands, new Matcher(batch, firsts, covered))) {
            outcomes.lost(pipe.lost());
        }
    }

    /** Plain strings without expiry in a row: one MSET (only when replacing; NX needs a SET each). */
    private int plainRun(List<SnapshotEntry> batch, int from) {
        if (!replace) {
            return 1;
        }
        int i = from;
        while (i < batch.size() && batch.get(i).value() != null && batch.get(i).expireAt() == 0) {
            i++;
        }
        return Math.max(1, i - from);
    }

    /** Matches the replies of one batch to its entries. */
    private final class Matcher implements RespPipe.Replies {
        private final List<SnapshotEntry> batch;
        private final int[] firsts;
        private final int[] covered;
        private int command;
        private long copiedKeys;
        private long copiedBytes;

        Matcher(List<SnapshotEntry> batch, int[] firsts, int[] covered) {
            this.batch = batch;
            this.firsts = firsts;
            this.covered = covered;
        }

        @Override
        public void reply(int kind, RespReader reader) {
            int c = command++;
            int first = firsts[c];
            int n = covered[c];
            if (kind == RespReader.ERROR) {
                for (int k = first; k < first + n; k++) {
                    outcomes.failed(batch.get(k), reader.error());
                }
            } else if (kind == RespReader.NIL) {
                outcomes.skipped(); // SET … NX on a key that exists
            } else {
                copiedKeys += n;
                for (int k = first; k < first + n; k++) {
                    copiedBytes += batch.get(k).bytes();
                }
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
        pipe.drain();
    }

    @Override
    public void close() {
        pipe.close();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
