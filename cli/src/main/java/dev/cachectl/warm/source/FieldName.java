package dev.cachectl.warm.source;

import java.nio.charset.StandardCharsets;

/**
 * A field name that is looked up in every record of a run (the key template's, the value's), with its
 * UTF-8 bytes made once: a JSON line compares them with the bytes of its own names, not char by char.
 */
public record FieldName(String text, byte[] utf8) {

    public static FieldName of(String text) {
        return new FieldName(text, text.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return text;
    }
}
