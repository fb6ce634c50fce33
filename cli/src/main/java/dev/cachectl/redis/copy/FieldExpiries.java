package dev.cachectl.redis.copy;

import redis.clients.jedis.commands.JedisBinaryCommands;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hash fields with their own expiry (Redis 7.4+: HEXPIRE and friends). DUMP/RESTORE carries them
 * between servers that hold them; a copy by type reads each field's expiry (HPEXPIRETIME) and sets
 * it again (HPEXPIREAT) where the target holds them. A target older than 7.4 cannot: the copy names
 * that in the summary's "not carried", once per hash, instead of letting those fields live forever
 * in silence.
 */
final class FieldExpiries {
    private static final int FIELDS_PER_CALL = 1000;

    private FieldExpiries() {
    }

    /** True when a server of this version ({@code redis_version}) holds per-field expiries. */
    static boolean supported(String redisVersion) {
        return Target.versionAtLeast(redisVersion, 7, 4);
    }

    /** The summary's "not carried" line for hashes with field expiries copied to a target of {@code targetVersion}. */
    static String notCarried(String targetVersion) {
        return "per-field expiries of hashes (HEXPIRE, Redis 7.4+): the target runs Redis " + targetVersion
                + ", which cannot hold them, so those fields never expire there";
    }

    /**
     * After a hash was copied by type: finds its fields' expiries on the source and, when
     * {@code targetHolds}, sets them on the copy. Returns how many fields had one (0: nothing lost).
     */
    static long copy(JedisBinaryCommands source, byte[] key, JedisBinaryCommands target, byte[] targetKey,
                     boolean targetHolds) {
        long withExpiry = 0;
        ScanParams params = new ScanParams().count(FIELDS_PER_CALL);
        byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
        do {
            ScanResult<byte[]> page = source.hscanNoValues(key, cursor, params);
            cursor = page.getCursorAsBytes();
            List<byte[]> fields = page.getResult();
            if (fields.isEmpty()) {
                continue;
            }
            List<Long> at = source.hpexpireTime(key, fields.toArray(new byte[0][]));
            Map<Long, List<byte[]>> byTime = new LinkedHashMap<>();
            for (int i = 0; i < fields.size(); i++) {
                // -1: no expiry, -2: the field is gone
                if (at.get(i) != null && at.get(i) > 0) {
                    byTime.computeIfAbsent(at.get(i), t -> new ArrayList<>()).add(fields.get(i));
                    withExpiry++;
                }
            }
            if (targetHolds) {
                byTime.forEach((time, group) -> target.hpexpireAt(targetKey, time, group.toArray(new byte[0][])));
            }
        } while (!java.util.Arrays.equals(cursor, ScanParams.SCAN_POINTER_START_BINARY));
        return withExpiry;
    }
}
