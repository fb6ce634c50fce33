package dev.cachectl.rebalance.cluster;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.util.List;

/**
 * What {@code rebalance} on a cluster found, planned and did; rendered as text or as JSON
 * (docs/schema/rebalance.schema.json). Bytes are estimates from the measurement unless said otherwise.
 * outcome: planned (--plan), balanced (nothing to move), completed, interrupted or failed.
 */
public record RebalanceReport(String target, String by, double threshold, Measurement measurement, List<MasterRow> masters,
                              List<MoveRow> moves, double imbalanceBefore, double imbalancePlanned, boolean withinThreshold,
                              Applied applied, String outcome, String stoppedBecause, @JsonIgnore int exitCode) {

    /** How memory was measured, and how far the raw sampled estimate was from used_memory (largest per master, a fraction). */
    public record Measurement(String method, double estimateError, long sampledKeys, double seconds) {
    }

    /** A master before and after the plan: slots, keys and estimated bytes. */
    public record MasterRow(String node, String id, double weight, boolean drain, int slotsBefore, int slotsAfter,
                            long keysBefore, long keysAfter, long bytesBefore, long bytesAfter) {
    }

    /** Slots moving from one master to another: ranges as "0-99,105", their keys and estimated bytes. */
    public record MoveRow(String from, String to, String slots, int slotCount, long keys, long bytes) {
    }

    /**
     * What --apply did. bytes_moved: MEMORY USAGE of the keys moved. imbalance: largest master's data memory
     * (used_memory minus baseline) ÷ the mean, before and after.
     */
    public record Applied(int slotsMoved, long keysMoved, long bytesMoved, long chunkedKeys, int leftoversFinished,
                          double seconds, double imbalanceBefore, double imbalanceAfter, Verification verification) {
    }

    /** After apply: slots covered exactly once, keys found on a master not owning their slot, key totals, cluster_state. */
    public record Verification(int slotsCovered, long misplacedKeys, long keysBefore, long keysAfter, boolean clusterOk,
                               List<String> problems) {
    }
}
