package dev.cachectl.status.live;

import dev.cachectl.status.InstanceStatus;
import dev.cachectl.status.NodeStatus;
import dev.cachectl.status.StatusReport;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code status --watch} off a terminal: one logfmt line per instance per sample (and one per cluster
 * node), flushed at once, so {@code status --watch | tee} and a CI log show it as it happens.
 * <pre>time=2026-01-01T10:00:00Z instance=cache state=up memory_bytes=1048576 keys=10 hit_ratio=0.95 ops_per_sec=12 evicted=0 clients=1</pre>
 */
public final class LogView implements WatchView {
    private final PrintWriter out;
    private final CountDownLatch stopped = new CountDownLatch(1);

    public LogView(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void show(StatusReport report) {
        String time = "time=" + Instant.now().truncatedTo(ChronoUnit.SECONDS);
        for (InstanceStatus s : report.instances()) {
            List<String> fields = new ArrayList<>(List.of(time, "instance=" + value(s.name()), "state=" + (s.up() ? "up" : "down")));
            if (s.usedMemory() != null) {
                field(fields, "memory_bytes", s.usedMemory());
                field(fields, "keys", s.keys());
                field(fields, "hit_ratio", Sort.ratio(s));
                field(fields, "ops_per_sec", s.opsPerSec() == null ? null : String.format(Locale.ROOT, "%.0f", s.opsPerSec()));
                field(fields, "evicted", s.evictions());
                field(fields, "clients", s.server().clients());
            }
            if (s.error() != null) {
                fields.add("error=" + value(s.error()));
            }
            out.println(String.join(" ", fields));
            if (s.nodes() != null) {
                for (NodeStatus n : s.nodes()) {
                    List<String> node = new ArrayList<>(List.of(time, "instance=" + value(s.name()),
                            "node=" + n.host() + ":" + n.port(), "role=" + n.role(), "state=" + (n.up() ? "up" : "down")));
                    field(node, "memory_bytes", n.usedMemory());
                    field(node, "keys", n.keys());
                    if (n.error() != null) {
                        node.add("error=" + value(n.error()));
                    }
                    out.println(String.join(" ", node));
                }
            }
        }
        out.flush();
        if (out.checkError()) {
            stop(); // the reader went away (| head): nobody is watching
        }
    }

    private static void field(List<String> fields, String name, Object value) {
        if (value != null) {
            fields.add(name + "=" + value);
        }
    }

    /** Quoted when it has a space, a quote or an equals sign, as logfmt readers expect. */
    private static String value(String v) {
        return v.matches("[^\\s\"=]+") ? v : "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Override
    public boolean await(long millis) throws InterruptedException {
        return !stopped.await(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        stopped.countDown();
    }

    @Override
    public void close() {
        out.flush();
    }
}
