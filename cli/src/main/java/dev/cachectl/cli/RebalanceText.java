package dev.cachectl.cli;

import dev.cachectl.rebalance.cluster.RebalanceReport;
import dev.cachectl.util.Sizes;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The text rendering of a cluster rebalance: the measurement, each move, each master before → after, the summary. */
final class RebalanceText {
    private RebalanceText() {
    }

    static void print(Output output, RebalanceReport r) {
        RebalanceReport.Measurement m = r.measurement();
        output.line(String.format(Locale.ROOT, "measured: %s; %d keys sampled in %.1fs; sampling error %s; used_memory "
                + "beyond the keys: %s per master", m.method(), m.sampledKeys(), m.seconds(), m.estimateError() == 0
                ? "none (every key sampled)" : String.format(Locale.ROOT, "±%.1f%% per master (2 standard deviations)",
                m.estimateError() * 100), nonData(r)));
        output.line(String.format(Locale.ROOT, "plan (by %s, threshold %.0f%%): %d slot moves", r.by(), r.threshold() * 100,
                r.moves().stream().mapToInt(RebalanceReport.MoveRow::slotCount).sum()));
        for (RebalanceReport.MoveRow move : r.moves()) {
            output.line(String.format(Locale.ROOT, "  move %d slots (%s): %d keys, about %s, %s → %s", move.slotCount(),
                    abbreviated(move.slots()), move.keys(), Sizes.human(move.bytes()), move.from(), move.to()));
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[]{"MASTER", "WEIGHT", "SLOTS", "KEYS", "MEMORY BEFORE", "MEMORY AFTER"});
        for (RebalanceReport.MasterRow row : r.masters()) {
            rows.add(new String[]{row.node() + (row.drain() ? " (drain)" : ""), trim(row.weight()),
                    row.slotsBefore() + " → " + row.slotsAfter(), row.keysBefore() + " → " + row.keysAfter(),
                    Sizes.human(row.bytesBefore()), Sizes.human(row.bytesAfter())});
        }
        for (String[] row : rows) {
            output.line(String.format(Locale.ROOT, "  %-28s %-6s %-13s %-19s %-13s %s", (Object[]) row));
        }
        output.line(String.format(Locale.ROOT, "imbalance (largest master ÷ mean, estimated): %.2f → %.2f%s",
                r.imbalanceBefore(), r.imbalancePlanned(), r.withinThreshold() ? "" : " (not every master within the "
                        + "threshold: a slot bigger than the remaining gap)"));
        RebalanceReport.Applied a = r.applied();
        if (a == null) {
            if (!r.moves().isEmpty()) {
                output.note("run again with --apply to make these moves");
            }
            return;
        }
        output.line(String.format(Locale.ROOT, "rebalance %s: %d slots, %d keys, %s moved in %.1fs%s%s%s; imbalance %.2f → %.2f "
                + "(measured again)", r.outcome(), a.slotsMoved(), a.keysMoved(), Sizes.human(a.bytesMoved()), a.seconds(),
                a.passes() > 1 ? " in " + a.passes() + " passes" : "",
                a.chunkedKeys() > 0 ? " (" + a.chunkedKeys() + " big keys in chunks)" : "",
                a.leftoversFinished() > 0 ? ", " + a.leftoversFinished() + " slots left open by an interrupted run finished" : "",
                a.imbalanceBefore(), a.imbalanceAfter()));
        RebalanceReport.Verification v = a.verification();
        output.line(String.format(Locale.ROOT, "verified: %d/16384 slots owned once, %d misplaced keys, keys %d → %d, "
                + "cluster_state %s", v.slotsCovered(), v.misplacedKeys(), v.keysBefore(), v.keysAfter(), v.clusterOk() ? "ok" : "not ok"));
    }

    /** The smallest and largest used_memory beyond the keys' estimate over the masters, as "1.5 MiB–1.7 MiB". */
    private static String nonData(RebalanceReport r) {
        long min = r.masters().stream().mapToLong(RebalanceReport.MasterRow::nonDataBytes).min().orElse(0);
        long max = r.masters().stream().mapToLong(RebalanceReport.MasterRow::nonDataBytes).max().orElse(0);
        return min == max ? Sizes.human(min) : Sizes.human(min) + "–" + Sizes.human(max);
    }

    private static String abbreviated(String ranges) {
        return ranges.length() <= 60 ? ranges : ranges.substring(0, ranges.lastIndexOf(',', 57)) + ",…";
    }

    private static String trim(double w) {
        return w == Math.rint(w) ? Long.toString((long) w) : Double.toString(w);
    }
}
