package dev.cachectl.warm.sink;

import dev.cachectl.warm.WriteOp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Writes nothing: counts what would be written and keeps the first few writes, as commands, to show. */
public final class DryRunSink implements BatchSink {
    private static final int SHOWN_VALUE = 60;
    private final Sample sample;

    public DryRunSink(Sample sample) {
        this.sample = sample;
    }

    /** The first writes of a dry run, shared by its threads. */
    public static final class Sample {
        private final int max;
        private final List<String> lines = new ArrayList<>();

        public Sample(int max) {
            this.max = max;
        }

        synchronized void offer(WriteOp op, boolean nx) {
            if (lines.size() < max) {
                lines.add(describe(op, nx));
            }
        }

        /** A line describing a write that is not a {@link WriteOp}, such as a key copy. */
        public synchronized void offer(String line) {
            if (lines.size() < max) {
                lines.add(line);
            }
        }

        public synchronized List<String> lines() {
            return List.copyOf(lines);
        }
    }

    @Override
    public void send(List<WriteOp> ops, boolean nx, Consumer<BatchResult> done) {
        for (WriteOp op : ops) {
            sample.offer(op, nx);
        }
        BatchResult result = new BatchResult();
        result.written = ops.size();
        done.accept(result);
    }

    /** A write as the command it stands for, values cut short: {@code SET user:1 '{"id":1,…' PX 3600000 NX}. */
    static String describe(WriteOp op, boolean nx) {
        StringBuilder s = new StringBuilder(op.isHash() ? "HSET " : "SET ").append(text(op.key()));
        if (op.isHash()) {
            for (byte[] part : op.hash()) {
                s.append(' ').append(text(part));
            }
        } else {
            s.append(' ').append(text(op.value().toArray()));
        }
        if (op.ttlMillis() > 0) {
            s.append(op.isHash() ? " (PEXPIRE " : " PX ").append(op.ttlMillis()).append(op.isHash() ? ")" : "");
        }
        if (nx) {
            s.append(op.isHash() ? " (only if absent)" : " NX");
        }
        return s.toString();
    }

    private static String text(byte[] bytes) {
        String v = new String(bytes, StandardCharsets.UTF_8);
        if (v.length() > SHOWN_VALUE) {
            v = v.substring(0, SHOWN_VALUE) + "…(" + bytes.length + " bytes)";
        }
        boolean plain = !v.isEmpty() && v.chars().allMatch(c -> c > ' ' && c != '\'' && c != '"' && c < 127);
        return plain ? v : "'" + v.replace("'", "'\\''") + "'";
    }

    @Override
    public void close() {
        // nothing was opened
    }
}
