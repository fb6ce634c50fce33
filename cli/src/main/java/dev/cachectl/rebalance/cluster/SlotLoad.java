package dev.cachectl.rebalance.cluster;

/** One hash slot as measured: its keys and their estimated memory in bytes. */
record SlotLoad(int slot, long keys, long bytes) {
}
