package dev.cachectl.warm.source;

import dev.cachectl.util.Bytes;

/**
 * One record read from a source: a flat set of named fields. Parsing may be deferred until a field
 * is asked for, so that worker threads, not the single reader, pay for it; every accessor may
 * therefore throw {@link MalformedRecordException}.
 */
public interface SourceRecord {

    /** Where the record starts: its line in a file (from 1), or its position in a collection. */
    long line();

    /** A top-level field as text (nested values as JSON), or null when it is absent or null. */
    String field(String name);

    /** The field as UTF-8 bytes, or null; sources that hold bytes already override this to skip the String. */
    default byte[] fieldBytes(String name) {
        String v = field(name);
        return v == null ? null : v.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** {@link #fieldBytes(String)} for a name prepared once for many records. */
    default byte[] fieldBytes(FieldName name) {
        return fieldBytes(name.text());
    }

    /** {@link #fieldBytes(FieldName)} where a slice of the record's own buffer will do: no copy where it can be cut. */
    default Bytes fieldSlice(FieldName name) {
        byte[] v = fieldBytes(name);
        return v == null ? null : Bytes.of(v);
    }

    /** Every non-null field, in the record's order. */
    void forEachField(FieldVisitor visitor);

    /** The record as one JSON object, UTF-8. */
    byte[] json();

    /** About how many bytes the record took in its source, for progress. */
    int size();

    @FunctionalInterface
    interface FieldVisitor {
        void field(String name, String value);
    }

    /** A record that could not be read (wrong column count, a line too long): every access reports why. */
    static SourceRecord malformed(long line, String reason) {
        return new SourceRecord() {
            @Override
            public long line() {
                return line;
            }

            @Override
            public String field(String name) {
                throw new MalformedRecordException(reason);
            }

            @Override
            public byte[] fieldBytes(String name) {
                throw new MalformedRecordException(reason);
            }

            @Override
            public byte[] fieldBytes(FieldName name) {
                throw new MalformedRecordException(reason);
            }

            @Override
            public Bytes fieldSlice(FieldName name) {
                throw new MalformedRecordException(reason);
            }

            @Override
            public void forEachField(FieldVisitor visitor) {
                throw new MalformedRecordException(reason);
            }

            @Override
            public byte[] json() {
                throw new MalformedRecordException(reason);
            }

            @Override
            public int size() {
                return 0;
            }
        };
    }
}
