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

    /**
     * How memory was measured, and the estimate's sampling error: two standard deviations of a master's estimate
     * from the spread of the sampled sizes, as a fraction of it (largest over the masters; 0 when every key was
     * sampled).
     */
    public record Measurement(String method, double estimateError, long sampledKeys, double seconds) {
    }

    /**
     * A master before and after the plan (after --apply: as measured again after the moves): slots, keys and
     * estimated bytes of its keys; nonDataBytes: its used_memory beyond that estimate (startup memory, buffers,
     * hash tables), measured before and kept out of the shares.
     */
    public record MasterRow(String node, String id, double weight, boolean drain, int slotsBefore, int slotsAfter,
                            long keysBefore, long keysAfter, long bytesBefore, long bytesAfter, long nonDataBytes) {
    }

    /** Slots moving from one master to another: ranges as "0-99,105", their keys and estimated bytes. */
    public record MoveRow(String from, String to, String slots, int slotCount, long keys, long bytes) {
    }

    /**
     * What --apply did, over all its passes (a pass makes one plan's moves; another follows, up to
     * {@code ClusterRebalancer.MAX_PASSES}, while a new measurement finds a move that helps). bytes_moved: MEMORY
     * USAGE of the keys moved. imbalance: the largest of the masters' estimated bytes ÷ their weighted share of the
     * total (largest ÷ mean without weights; a master being drained left out), as the planner measures them:
     * before, and measured again after the moves.
     */
    public record Applied(int slotsMoved, long keysMoved, long bytesMoved, long chunkedKeys, int leftoversFinished,
                          int passes, double seconds, double imbalanceBefore, double imbalanceAfter, Verification verification) {
    }

    /** After apply: slots covered exactly once, keys found on a master not owning their slot, key totals, cluster_state. */
    public record Verification(int slotsCovered, long misplacedKeys, long keysBefore, long keysAfter, boolean clusterOk,
                               List<String> problems) {
    }
}
