package dev.cachectl.redis.copy;

import redis.clients.jedis.util.KeyValue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.cachectl.redis.copy.StructCopier.bytes;

/** Stream replies in the raw shapes Jedis's binary commands return (RESP2 lists, or RESP3 maps). */
final class StreamReplies {
    private StreamReplies() {
    }

    record Entry(byte[] id, List<byte[]> fields) {
        long size() {
            return fields.stream().mapToLong(f -> f.length).sum();
        }

        /** Field names can repeat within an entry; byte[] keys compare by identity, so none is lost. */
        Map<byte[], byte[]> asMap() {
            Map<byte[], byte[]> map = new LinkedHashMap<>();
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                map.put(fields.get(i), fields.get(i + 1));
            }
            return map;
        }
    }

    record Group(byte[] name, byte[] lastDeliveredId, Long entriesRead, long pending, long consumers) {
    }

    @SuppressWarnings("unchecked")
    static List<Entry> entries(List<Object> xrange) {
        List<Entry> entries = new ArrayList<>(xrange.size());
        for (Object o : xrange) {
            List<Object> e = (List<Object>) o;
            List<byte[]> fields = new ArrayList<>();
            for (Object f : (List<Object>) e.get(1)) {
                fields.add((byte[]) f);
            }
            entries.add(new Entry((byte[]) e.get(0), fields));
        }
        return entries;
    }

    /** XINFO STREAM (or one group of XINFO GROUPS) by field name. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> fields(Object reply) {
        Map<String, Object> fields = new LinkedHashMap<>();
        if (reply instanceof Map<?, ?> map) {
            map.forEach((k, v) -> fields.put(text(k), v));
            return fields;
        }
        List<Object> list = (List<Object>) reply;
        if (!list.isEmpty() && list.get(0) instanceof KeyValue<?, ?>) {
            list.forEach(kv -> fields.put(text(((KeyValue<?, ?>) kv).getKey()), ((KeyValue<?, ?>) kv).getValue()));
            return fields;
        }
        for (int i = 0; i + 1 < list.size(); i += 2) {
            fields.put(text(list.get(i)), list.get(i + 1));
        }
        return fields;
    }

    static List<Group> groups(List<Object> xinfoGroups) {
        List<Group> groups = new ArrayList<>();
        for (Object reply : xinfoGroups) {
            Map<String, Object> g = fields(reply);
            groups.add(new Group(bytesOf(g.get("name")), bytesOf(g.get("last-delivered-id")),
                    g.get("entries-read") instanceof Long n ? n : null,
                    ((Number) g.get("pending")).longValue(), ((Number) g.get("consumers")).longValue()));
        }
        return groups;
    }

    /** The smallest ID after {@code id} (XRANGE's exclusive "(" needs Redis 6.2), or null after the largest. */
    static byte[] after(byte[] id) {
        String s = new String(id, StandardCharsets.US_ASCII);
        int dash = s.indexOf('-');
        long ms = Long.parseUnsignedLong(s.substring(0, dash));
        long seq = Long.parseUnsignedLong(s.substring(dash + 1));
        if (seq != -1L) {
            return bytes(Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq + 1));
        }
        return ms == -1L ? null : bytes(Long.toUnsignedString(ms + 1) + "-0");
    }

    static byte[] bytesOf(Object value) {
        return value instanceof byte[] b ? b : bytes(String.valueOf(value));
    }

    private static String text(Object value) {
        return value instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(value);
    }
}
