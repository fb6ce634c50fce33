package dev.cachectl.progress;

import dev.cachectl.util.Durations;
import dev.cachectl.util.Sizes;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Progress on stderr, as a bar redrawn in place (terminal) or as a log line every few seconds
 * (cron, CI). Both show items, rate, bytes/s and, when the total is known, percent and ETA.
 */
public final class ProgressMeter implements ProgressListener {
    private final PrintWriter err;
    private final boolean bar;
    private final long intervalNanos;
    private final AtomicLong items = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private volatile String job = "";
    private volatile long total = -1;
    private volatile String detail;
    private long startNanos;
    private long lastPrint;

    private final boolean json;

    private ProgressMeter(PrintWriter err, boolean bar, Duration interval, boolean json) {
        this.err = err;
        this.bar = bar;
        this.intervalNanos = interval.toNanos();
        this.json = json;
    }

    private ProgressMeter(PrintWriter err, boolean bar, Duration interval) {
        this(err, bar, interval, false);
    }

    /** Log lines as JSON objects (one per line, {@code "event": "progress"}), for {@code --json} runs that log progress. */
    public static ProgressMeter jsonLog(PrintWriter err, Duration every) {
        return new ProgressMeter(err, false, every, true);
    }

    public static ProgressMeter bar(PrintWriter err) {
        return new ProgressMeter(err, true, Duration.ofMillis(200));
    }

    public static ProgressMeter log(PrintWriter err, Duration every) {
        return new ProgressMeter(err, false, every);
    }

    @Override
    public synchronized void started(String job, long total) {
        this.job = job;
        this.total = total;
        this.startNanos = System.nanoTime();
        this.lastPrint = startNanos;
    }

    @Override
    public void advanced(long moreItems, long moreBytes) {
        items.addAndGet(moreItems);
        bytes.addAndGet(moreBytes);
        long now = System.nanoTime();
        if (now - lastPrint >= intervalNanos) {
            synchronized (this) {
                if (now - lastPrint >= intervalNanos) {
                    lastPrint = now;
                    print(now);
                }
            }
        }
    }

    @Override
    public void detail(String text) {
        detail = text;
        advanced(0, 0);
    }

    @Override
    public synchronized void finished() {
        if (bar) {
            err.print("\r\033[K");
            err.flush();
        }
    }

    private void print(long now) {
        double seconds = Math.max(1e-3, (now - startNanos) / 1e9);
        long done = items.get();
        double rate = done / seconds;
        if (json) {
            java.util.Map<String, Object> event = new java.util.LinkedHashMap<>();
            event.put("event", "progress");
            event.put("job", job);
            event.put("done", done);
            event.put("total", total > 0 ? total : null);
            event.put("per_sec", Math.round(rate));
            event.put("bytes_per_sec", Math.round(bytes.get() / seconds));
            event.put("detail", detail);
            try {
                err.println(dev.cachectl.util.Json.MAPPER.writer()
                        .without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT).writeValueAsString(event));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            err.flush();
            return;
        }
        StringBuilder line = new StringBuilder(job).append(": ").append(done);
        if (total > 0) {
            line.append('/').append(total).append(String.format(Locale.ROOT, " (%.0f%%)", 100.0 * done / total));
        }
        line.append(String.format(Locale.ROOT, ", %.0f/s, %s/s", rate, Sizes.human((long) (bytes.get() / seconds))));
        if (total > 0 && rate > 0 && done < total) {
            line.append(", ETA ").append(Durations.format(Duration.ofSeconds((long) ((total - done) / rate))));
        }
        if (detail != null) {
            line.append("; ").append(detail);
        }
        if (bar) {
            err.print("\r\033[K" + line);
        } else {
            err.println(line);
        }
        err.flush();
    }
}
