package dev.cachectl.status.live;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.status.InstanceStatus;
import dev.cachectl.status.NodeStatus;
import dev.cachectl.status.StatusReport;
import dev.cachectl.util.Durations;
import dev.cachectl.util.Sizes;
import org.jline.terminal.Attributes;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;
import org.jline.utils.Display;
import org.jline.utils.InfoCmp.Capability;
import org.jline.utils.NonBlockingReader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code status --watch} on a terminal: a full-screen table redrawn in place (the alternate screen,
 * like top), one row per instance with its cluster nodes indented under it. {@code q} (or Ctrl-C)
 * quits, {@code s} changes the sort. {@link #close()} gives the screen and the terminal modes back,
 * and so does a shutdown hook should the JVM be ended before it.
 */
public final class ScreenView implements WatchView {
    private static final long POLL_MILLIS = 100;
    private static final String FORMAT = "%-24s %-5s %19s %10s %7s %9s %9s %8s";

    private final Terminal terminal;
    private final Attributes saved;
    private final Display display;
    private final Duration interval;
    private final Thread restoreOnExit;
    private volatile boolean stopped;
    private volatile boolean resized;
    private boolean restored;
    private Sort sort = Sort.NAME;
    private StatusReport last;

    private ScreenView(Terminal terminal, Duration interval) {
        this.terminal = terminal;
        this.interval = interval;
        this.saved = terminal.enterRawMode();
        terminal.puts(Capability.enter_ca_mode);
        terminal.puts(Capability.cursor_invisible);
        terminal.flush();
        this.display = new Display(terminal, true);
        terminal.handle(Terminal.Signal.WINCH, s -> resized = true);
        this.restoreOnExit = new Thread(this::restore, "watch-restore-screen");
        Runtime.getRuntime().addShutdownHook(restoreOnExit);
        resize();
    }

    /** On the process's own terminal. */
    public static ScreenView open(Duration interval) {
        try {
            return new ScreenView(TerminalBuilder.builder().system(true).build(), interval);
        } catch (IOException | RuntimeException e) {
            throw new CachectlException(ExitCode.FAILED, "cannot draw on this terminal (" + e.getMessage()
                    + "); 'status --watch | cat' prints log lines instead");
        }
    }

    @Override
    public void show(StatusReport report) {
        last = report;
        draw();
    }

    private void draw() {
        if (resized) {
            resized = false;
            resize();
        }
        List<AttributedString> lines = new ArrayList<>();
        lines.add(new AttributedStringBuilder().style(AttributedStyle.BOLD).append("cachectl status")
                .style(AttributedStyle.DEFAULT).append("  every " + Durations.format(interval) + "  sorted by " + sort.label()
                        + "  at " + LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + "    s: sort  q: quit").toAttributedString());
        lines.add(AttributedString.EMPTY);
        lines.add(new AttributedString(String.format(Locale.ROOT, FORMAT, "NAME", "STATE", "MEMORY", "KEYS", "HIT%",
                "OPS/S", "EVICTED", "CLIENTS"), AttributedStyle.BOLD));
        List<InstanceStatus> rows = new ArrayList<>(last.instances());
        rows.sort(sort.order());
        for (InstanceStatus s : rows) {
            String line = String.format(Locale.ROOT, FORMAT, cut(s.name(), 24), s.up() ? "up" : "down", memory(s), text(s.keys()),
                    Sort.ratio(s) == null ? "-" : String.format(Locale.ROOT, "%.1f", Sort.ratio(s) * 100),
                    s.opsPerSec() == null ? "-" : String.format(Locale.ROOT, "%.0f", s.opsPerSec()),
                    text(s.evictions()), text(s.server().clients()));
            lines.add(new AttributedString(line, s.up() ? AttributedStyle.DEFAULT
                    : AttributedStyle.DEFAULT.foreground(AttributedStyle.RED)));
            if (s.nodes() != null) {
                for (NodeStatus n : s.nodes()) {
                    lines.add(new AttributedString(String.format(Locale.ROOT, FORMAT,
                            cut("  " + n.host() + ":" + n.port() + " " + n.role(), 24), n.up() ? "up" : "down",
                            n.usedMemory() == null ? "-" : Sizes.human(n.usedMemory()), text(n.keys()), "", "", "", ""),
                            AttributedStyle.DEFAULT.faint()));
                }
            }
            if (!s.up() && s.error() != null) {
                lines.add(new AttributedString("  " + s.error(), AttributedStyle.DEFAULT.faint()));
            }
        }
        Size size = terminal.getSize();
        int rowsFit = Math.max(1, size.getRows() - 1);
        List<AttributedString> shown = new ArrayList<>();
        for (AttributedString l : lines.subList(0, Math.min(lines.size(), rowsFit))) {
            shown.add(size.getColumns() > 0 ? l.columnSubSequence(0, size.getColumns()) : l);
        }
        display.update(shown, -1);
        terminal.flush();
    }

    private void resize() {
        Size size = terminal.getSize();
        display.clear();
        display.resize(Math.max(1, size.getRows()), Math.max(1, size.getColumns()));
    }

    @Override
    public boolean await(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        NonBlockingReader reader = terminal.reader();
        while (!stopped) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return true;
            }
            int c;
            try {
                c = reader.read(Math.min(left, POLL_MILLIS));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (c == 'q' || c == 'Q' || c == 3 || c == NonBlockingReader.EOF) {
                return false;
            }
            if (c == 's' || c == 'S') {
                sort = sort.next();
                display.clear(); // every row may move: redraw the whole screen
                if (last != null) {
                    draw();
                }
                return true; // the watch decides whether the interval is over
            }
            if (resized && last != null) {
                draw();
            }
        }
        return false;
    }

    @Override
    public void stop() {
        stopped = true;
    }

    @Override
    public void close() {
        restore();
        try {
            Runtime.getRuntime().removeShutdownHook(restoreOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs or has run
        }
    }

    private synchronized void restore() {
        if (restored) {
            return;
        }
        restored = true;
        terminal.puts(Capability.cursor_visible);
        terminal.puts(Capability.exit_ca_mode);
        terminal.setAttributes(saved);
        terminal.flush();
        try {
            terminal.close();
        } catch (IOException e) {
            // the screen is restored; nothing else to give back
        }
    }

    private static String memory(InstanceStatus s) {
        if (s.usedMemory() == null) {
            return "-";
        }
        String used = Sizes.human(s.usedMemory());
        return s.server().memoryPct() == null ? used : used + String.format(Locale.ROOT, " (%.0f%%)", s.server().memoryPct());
    }

    private static String cut(String s, int width) {
        return s.length() <= width ? s : s.substring(0, width - 1) + "~";
    }

    private static String text(Object o) {
        return o == null ? "-" : o.toString();
    }
}
