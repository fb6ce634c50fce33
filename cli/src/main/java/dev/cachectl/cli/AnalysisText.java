package dev.cachectl.cli;

import dev.cachectl.status.analyze.Analysis;
import dev.cachectl.util.Sizes;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code status --analyze} as text: one block per instance, a table per breakdown. */
final class AnalysisText {
    private AnalysisText() {
    }

    static List<String> render(String name, Analysis a) {
        List<String> lines = new ArrayList<>();
        String read = a.full() ? "every key (" + a.sampled() + ")"
                : String.format(Locale.ROOT, "a sample of %d of %d keys, shares ± their 95%% interval", a.sampled(), a.keys());
        lines.add("@|bold " + name + ": where the memory goes|@ (" + read + ", " + a.millis() + " ms)");
        lines.add("  used memory " + Sizes.human(a.usedMemory()) + ", of which keys " + (a.full() ? "" : "~")
                + Sizes.human(a.keyMemory()) + " (MEMORY USAGE)");
        groups(lines, "NAMESPACE", a.namespaces(), a.full());
        groups(lines, "TYPE", a.types(), a.full());
        groups(lines, "DB", a.dbs(), a.full());
        groups(lines, "TTL", a.ttl(), a.full());
        if (!a.biggest().isEmpty()) {
            Table table = new Table("BIGGEST KEY", "TYPE", "MEMORY", "ELEMENTS", "TTL", "DB", "SERVER");
            for (Analysis.BigKey k : a.biggest()) {
                table.row(List.of(k.key(), k.type(), Sizes.human(k.memory()), text(k.elements()),
                        k.ttlSeconds() == null ? "none" : k.ttlSeconds() + "s", Integer.toString(k.db()), k.server()), List.of());
            }
            lines.add("");
            table.render().forEach(l -> lines.add("  " + l));
        }
        return lines;
    }

    private static void groups(List<String> lines, String title, List<Analysis.Group> groups, boolean exact) {
        Table table = new Table(title, "KEYS", "KEYS%", "MEMORY", "MEMORY%");
        for (Analysis.Group g : groups) {
            table.row(List.of(g.name(), (exact ? "" : "~") + g.keys(), share(g.keysShare(), g.keysShareError(), exact),
                    (exact ? "" : "~") + Sizes.human(g.memory()), share(g.memoryShare(), g.memoryShareError(), exact)), List.of());
        }
        lines.add("");
        table.render().forEach(l -> lines.add("  " + l));
    }

    private static String share(double share, double error, boolean exact) {
        return exact ? String.format(Locale.ROOT, "%.1f%%", share * 100)
                : String.format(Locale.ROOT, "%.1f%% ±%.1f", share * 100, error * 100);
    }

    private static String text(Object o) {
        return o == null ? "-" : o.toString();
    }
}
