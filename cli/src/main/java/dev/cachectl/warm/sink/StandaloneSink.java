package dev.cachectl.warm.sink;

import dev.cachectl.config.Endpoint;
import dev.cachectl.redis.resp.RespPipe;
import dev.cachectl.redis.resp.RespReader;
import dev.cachectl.redis.resp.RespWriter;
import dev.cachectl.warm.WriteOp;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Streams a warm's batches over one connection to a standalone Redis through a {@link RespPipe}:
 * plain strings go as MSET runs, strings with a TTL or NX as SET, hashes as {@link Commands#hash},
 * and each reply is matched back to the ops it covers.
 */
final class StandaloneSink implements BatchSink {
    private static final byte[] SET = Commands.bytes("SET");
    private static final byte[] MSET = Commands.bytes("MSET");

    private final RespPipe pipe;
    /** The server, "host:port", for the lookups the replies report. */
    private final String server;

    /** Connects; {@code timeout} is the wait to connect and for each reply. */
    StandaloneSink(Endpoint endpoint, Duration timeout) {
        this.pipe = RespPipe.open("target", endpoint, timeout, timeout, "warm-replies");
        this.server = endpoint.host() + ":" + endpoint.port();
    }

    @Override
    public void send(List<WriteOp> ops, boolean nx, Consumer<BatchResult> done) {
        RespWriter encoder = pipe.encoder();
        int[] commands = new int[ops.size() * Commands.MOST_PER_OP + 1];
        int count = 0;
        boolean loaded = false;
        int i = 0;
        while (i < ops.size()) {
            int run = nx ? 1 : plainRun(ops, i);
            if (run > 1) {
                encodeMset(encoder, ops, i, run);
            } else if (ops.get(i).isHash()) {
                if (nx && !loaded) {
                    encode(encoder, Commands.loadNxScript());
                    commands[count++] = 0;
                    loaded = true;
                }
                List<Commands.Command> hash = Commands.hash(ops.get(i), nx);
                for (int c = 0; c < hash.size() - 1; c++) {
                    encode(encoder, hash.get(c));
                    commands[count++] = 0;
                }
                encode(encoder, hash.get(hash.size() - 1));
            } else {
                encode(encoder, SET, Commands.setArgs(ops.get(i), nx));
            }
            commands[count++] = run;
            i += run;
        }
        // the reply side keeps only each op's line: keys and values can go as soon as they are encoded
        long[] lines = new long[ops.size()];
        for (int k = 0; k < lines.length; k++) {
            lines[k] = ops.get(k).line();
        }
        if (!pipe.send(count, new Matcher(lines, commands, server, done))) {
            BatchResult result = new BatchResult();
            result.notSent = ops.size();
            result.lost = pipe.lost();
            done.accept(result);
        }
    }

    /**
     * Matches replies to the ops they cover: {@code commands[i]} ops for the i-th command (an MSET covers
     * several; 0: the command prepares the next op's, as the queued commands of its MULTI do); {@code lines}:
     * each op's line, for errors.
     */
    private static final class Matcher implements RespPipe.Replies {
        private final long[] lines;
        private final int[] commands;
        private final String server;
        private final Consumer<BatchResult> done;
        private final BatchResult result = new BatchResult();
        private int command;
        private int op;
        /** The first error of the commands that prepare the next op: why its EXEC was aborted. */
        private String prepared;

        Matcher(long[] lines, int[] commands, String server, Consumer<BatchResult> done) {
            this.lines = lines;
            this.commands = commands;
            this.server = server;
            this.done = done;
        }

        @Override
        public void reply(int kind, RespReader reader) {
            int covered = commands[command++];
            if (covered == 0) {
                if (kind == RespReader.ERROR && prepared == null) {
                    prepared = reader.error();
                }
                return;
            }
            String error = null;
            if (kind == RespReader.ERROR) {
                error = prepared != null ? prepared : reader.error();
            } else if (kind == RespReader.ARRAY && reader.arrayErrors() > 0) {
                error = reader.arrayFirstError();
            }
            prepared = null;
            if (error != null) {
                if (Commands.ranScript(error)) {
                    result.lookedUp(server, false); // the NX script's EXISTS found nothing, then a write failed
                }
                for (int k = op; k < op + covered; k++) {
                    result.failures.add(new BatchResult.Failure(lines[k], Commands.reason(error)));
                }
            } else if (kind == RespReader.NIL) {
                result.skipped += covered;
            } else if (kind == RespReader.INTEGER) {
                // only the NX script answers with an integer: 0 when its EXISTS found the key, 1 when it wrote
                result.lookedUp(server, reader.integer() == 0);
                if (reader.integer() == 0) {
                    result.skipped += covered;
                } else {
                    result.written += covered;
                }
            } else {
                result.written += covered;
            }
            op += covered;
        }

        @Override
        public void done(String lost, int answered) {
            if (lost != null) {
                result.lost = lost;
                result.unconfirmed = lines.length - result.answered();
            }
            done.accept(result);
        }
    }

    @Override
    public Throwable lostCause() {
        return pipe.lostCause();
    }

    /**
     * How many ops from {@code from} on are plain strings without a TTL: those go as one MSET, which
     * means to the server exactly what a SET each does, for a fraction of its per-command work.
     */
    private static int plainRun(List<WriteOp> ops, int from) {
        int i = from;
        while (i < ops.size() && !ops.get(i).isHash() && ops.get(i).ttlMillis() == 0) {
            i++;
        }
        return Math.max(1, i - from);
    }

    private static void encodeMset(RespWriter encoder, List<WriteOp> ops, int from, int run) {
        encoder.array(1 + 2 * run);
        encoder.bulk(MSET);
        for (int i = from; i < from + run; i++) {
            encoder.bulk(ops.get(i).key());
            encoder.bulk(ops.get(i).value());
        }
    }

    private static void encode(RespWriter encoder, Commands.Command command) {
        encode(encoder, command.name().getRaw(), command.args());
    }

    private static void encode(RespWriter encoder, byte[] command, byte[][] args) {
        encoder.array(args.length + 1);
        encoder.bulk(command);
        for (byte[] arg : args) {
            encoder.bulk(arg);
        }
    }

    @Override
    public void close() {
        pipe.close();
    }
}
