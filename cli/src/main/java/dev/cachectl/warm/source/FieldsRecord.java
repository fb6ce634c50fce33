package dev.cachectl.warm.source;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** A record whose fields are already text, such as a CSV row: names shared by all rows, values its own. */
final class FieldsRecord implements SourceRecord {
    private static final JsonFactory JSON = new JsonFactory();

    private final long line;
    private final String[] names;
    private final String[] values;
    private final int size;

    FieldsRecord(long line, String[] names, String[] values, int size) {
        this.line = line;
        this.names = names;
        this.values = values;
        this.size = size;
    }

    @Override
    public long line() {
        return line;
    }

    @Override
    public String field(String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return values[i];
            }
        }
        return null;
    }

    @Override
    public void forEachField(FieldVisitor visitor) {
        for (int i = 0; i < names.length; i++) {
            if (values[i] != null) {
                visitor.field(names[i], values[i]);
            }
        }
    }

    @Override
    public byte[] json() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(size + 16 * names.length);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            for (int i = 0; i < names.length; i++) {
                g.writeStringField(names[i], values[i]);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @Override
    public int size() {
        return size;
    }
}
