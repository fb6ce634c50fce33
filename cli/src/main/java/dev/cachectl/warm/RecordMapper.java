package dev.cachectl.warm;

import dev.cachectl.util.Bytes;
import dev.cachectl.warm.source.FieldName;
import dev.cachectl.warm.source.MalformedRecordException;
import dev.cachectl.warm.source.SourceRecord;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a record into the key to write: the key from the template, the value as a string field, a
 * hash of every field, or the record's JSON, and the TTL. Thread-safe; called by every writer thread.
 */
public final class RecordMapper {
    private final KeyTemplate key;
    private final ValueKind as;
    private final String valueField;
    private final FieldName valueName;
    private final TtlPolicy ttl;

    public RecordMapper(KeyTemplate key, ValueKind as, String valueField, TtlPolicy ttl) {
        this.key = key;
        this.as = as;
        this.valueField = valueField;
        this.valueName = valueField == null ? null : FieldName.of(valueField);
        this.ttl = ttl;
    }

    /** The write for this record, or null when its TTL has already passed; throws {@link MalformedRecordException}. */
    public WriteOp map(SourceRecord record) {
        byte[] k = key.render(record);
        long ttlMillis = ttl.millis(record);
        if (ttlMillis == TtlPolicy.EXPIRED) {
            return null;
        }
        return switch (as) {
            case string -> {
                Bytes v = record.fieldSlice(valueName);
                if (v == null) {
                    throw new MalformedRecordException("missing value field '" + valueField + "'");
                }
                yield new WriteOp(record.line(), k, v, null, ttlMillis);
            }
            case json -> new WriteOp(record.line(), k, Bytes.of(record.json()), null, ttlMillis);
            case hash -> new WriteOp(record.line(), k, null, hash(record), ttlMillis);
        };
    }

    private static byte[][] hash(SourceRecord record) {
        List<byte[]> parts = new ArrayList<>();
        record.forEachField((name, value) -> {
            parts.add(name.getBytes(StandardCharsets.UTF_8));
            parts.add(value.getBytes(StandardCharsets.UTF_8));
        });
        if (parts.isEmpty()) {
            throw new MalformedRecordException("no fields to write as a hash");
        }
        return parts.toArray(byte[][]::new);
    }

    public KeyTemplate key() {
        return key;
    }

    public String valueField() {
        return valueField;
    }

    public TtlPolicy ttl() {
        return ttl;
    }
}
