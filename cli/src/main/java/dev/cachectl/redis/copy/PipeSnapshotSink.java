package dev.cachectl.redis.copy;

import dev.cachectl.config.Endpoint;
import dev.cachectl.redis.RedisClients;
import dev.cachectl.redis.resp.RespPipe;
import dev.cachectl.redis.resp.RespReader;
import dev.cachectl.redis.resp.RespWriter;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Streams a snapshot into a standalone target over one {@link RespPipe}, with the cheapest command
 * that means the same to the server: runs of plain strings as one MSET, a string with an expiry as
 * {@code SET … PXAT} (its absolute expiry, so no drift), anything else as {@code RESTORE … ABSTTL}.
 * With {@code --skip-existing}, NX on SET and no REPLACE on RESTORE. SELECT follows the source db.
 */
final class PipeSnapshotSink implements SnapshotSink {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final byte[] SELECT = ascii("SELECT");
    private static final byte[] MSET = ascii("MSET");
    /** Kinds of command, by what their reply means. */
    private static final byte SELECT_CMD = 0;
    private static final byte WRITE_CMD = 1;

    private final RespPipe pipe;
    private final boolean replace;
    private final boolean pxat;
    private final SnapshotOutcomes outcomes;
    private int db = -1;

    /** {@code pxat}: the target knows SET … PXAT (Redis 6.2+); older ones get the TTL left, computed at send time. */
    PipeSnapshotSink(Endpoint target, boolean replace, boolean pxat, SnapshotOutcomes outcomes) {
        this.pipe = RespPipe.open("target", target, RedisClients.clientConfig(target, TIMEOUT), "cachectl-snapshot-replies");
        this.replace = replace;
        this.pxat = pxat;
        this.outcomes = outcomes;
    }

    @Override
    public void write(List<SnapshotEntry> batch) {
        RespWriter out = pipe.encoder();
        // per command: what kind, and the entries [first, first + covered) it carries
        byte[] kinds = new byte[batch.size() * 2];
        int[] firsts = new int[kinds.length];
        int[] covered = new int[kinds.length];
        int commands = 0;
        int i = 0;
        while (i < batch.size()) {
            SnapshotEntry e = batch.get(i);
            if (e.targetDb() != db) {
                db = e.targetDb();
                out.array(2);
                out.bulk(SELECT);
                out.bulk(db);
                kinds[commands] = SELECT_CMD;
                firsts[commands] = i;
                covered[commands++] = 0;
            }
            int run = plainRun(batch, i);
            kinds[commands] = WRITE_CMD;
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
                SnapshotCommands.write(out, e, replace, pxat);
            }
            i += run;
        }
        if (!pipe.send(commands, new Matcher(batch, kinds, firsts, covered))) {
            outcomes.lost(pipe.lost());
        }
    }

    /** Plain strings without expiry in a row, in one db: one MSET (only when replacing; NX needs a SET each). */
    private int plainRun(List<SnapshotEntry> batch, int from) {
        if (!replace) {
            return 1;
        }
        int i = from;
        while (i < batch.size() && batch.get(i).value() != null && batch.get(i).expireAt() == 0
                && batch.get(i).targetDb() == batch.get(from).targetDb()) {
            i++;
        }
        return Math.max(1, i - from);
    }

    /** Matches the replies of one batch to its entries. */
    private final class Matcher implements RespPipe.Replies {
        private final List<SnapshotEntry> batch;
        private final byte[] kinds;
        private final int[] firsts;
        private final int[] covered;
        private int command;
        private long copiedKeys;
        private long copiedBytes;

        Matcher(List<SnapshotEntry> batch, byte[] kinds, int[] firsts, int[] covered) {
            this.batch = batch;
            this.kinds = kinds;
            this.firsts = firsts;
            this.covered = covered;
        }

        @Override
        public void reply(int kind, RespReader reader) {
            int c = command++;
            if (kinds[c] == SELECT_CMD) {
                if (kind == RespReader.ERROR) {
                    outcomes.refused("SELECT " + batch.get(firsts[c]).targetDb() + " failed: " + reader.error());
                }
                return;
            }
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
