package dev.cachectl.bench;

import redis.clients.jedis.util.JedisClusterCRC16;

import java.util.List;

/**
 * Which node holds each key of the keyspace: always node 0 for a standalone server; for a cluster,
 * the master owning the key's slot (CRC16, from CLUSTER NODES), updated when a MOVED reply says a
 * slot has a new owner. Shared by the I/O threads: a racy update only costs another MOVED.
 */
final class Routes {
    private final List<String> addresses;
    private final short[] keySlot;
    private final int[] slotOwner;

    private Routes(List<String> addresses, short[] keySlot, int[] slotOwner) {
        this.addresses = addresses;
        this.keySlot = keySlot;
        this.slotOwner = slotOwner;
    }

    static Routes single(String address) {
        return new Routes(List.of(address), null, null);
    }

    /** {@code slotOwner[slot]}: the index in {@code addresses} of the master serving it. */
    static Routes cluster(List<String> addresses, int[] slotOwner, Workload workload) {
        short[] keySlot = new short[workload.keys()];
        for (int i = 0; i < keySlot.length; i++) {
            keySlot[i] = (short) JedisClusterCRC16.getSlot(workload.key(i));
        }
        return new Routes(List.copyOf(addresses), keySlot, slotOwner);
    }

    int nodes() {
        return addresses.size();
    }

    List<String> addresses() {
        return addresses;
    }

    int node(long keyIndex) {
        return keySlot == null ? 0 : slotOwner[keySlot[(int) keyIndex]];
    }

    /** The node at {@code host:port}, or -1 when this run has no connection to it. */
    int nodeAt(String address) {
        return addresses.indexOf(address);
    }

    void moved(int slot, int node) {
        if (slotOwner != null && slot >= 0 && slot < slotOwner.length) {
            slotOwner[slot] = node;
        }
    }
}
