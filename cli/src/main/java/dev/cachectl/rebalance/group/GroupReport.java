package dev.cachectl.rebalance.group;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.util.List;

/**
 * What {@code rebalance GROUP} found, planned and did: the {@code --json} document
 * (docs/schema/rebalance-group.schema.json) and the source of the text lines.
 *
 * @param outcome balanced (nothing to move), unbalanced (nothing can move, yet an instance is past the threshold or
 *                the spread past the tolerance; exit 4), planned, completed, partial, interrupted, failed, or shown
 * @param unbalancedBecause when the group stays unbalanced after the plan (outcome unbalanced, or planned or completed
 *                          with moves that are not enough; exit 4): which instance is off and why nothing more can
 *                          move; else null
 * @param cause what raised the problem that stopped a move (its note says what), for --verbose; not in the JSON
 */
public record GroupReport(String group, String action, String outcome, int exitCode, Double threshold, Double tolerance,
                          List<Instance> instances, List<Category> categories, List<Move> moves, String layoutFile,
                          List<String> notes, String unbalancedBecause, @JsonIgnore Throwable cause) {

    /** One instance of the group; {@code before}/{@code after} are its used memory as a share of maxmemory. */
    public record Instance(String name, String url, Long usedMemory, Long maxmemory, Double before, Double after) {
    }

    /** One category of the group where it lives now (keys and bytes as measured there, null when not measured). */
    public record Category(String name, String prefix, String instance, boolean pinned, Long keys, Long bytes) {
    }

    /** One category moved (or to move) whole; the last four are null in a plan. */
    public record Move(String category, String from, String to, long keys, long bytes, String outcome, Long copied,
                       Long deletedFromSource, Long leftOnSource) {
    }
}
