package dev.cachectl.warm;

import dev.cachectl.CachectlException;
import dev.cachectl.util.Bytes;
import dev.cachectl.warm.source.FieldName;
import dev.cachectl.warm.source.MalformedRecordException;
import dev.cachectl.warm.source.SourceRecord;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A key built from record fields: {@code user:{id}} or {@code {tenant}:order:{order_id}}. Literal
 * braces are written doubled ({@code {{}, {@code }}}). A record without one of the fields, or with
 * it empty, cannot be keyed and is malformed.
 */
public final class KeyTemplate {
    private final String text;
    private final byte[][] literals;
    private final FieldName[] fields;

    private KeyTemplate(String text, List<String> literals, List<String> fields) {
        this.text = text;
        this.literals = new byte[literals.size()][];
        for (int i = 0; i < literals.size(); i++) {
            this.literals[i] = literals.get(i).getBytes(StandardCharsets.UTF_8);
        }
        this.fields = fields.stream().map(FieldName::of).toArray(FieldName[]::new);
    }

    public static KeyTemplate parse(String text) {
        List<String> literals = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c == '{' || c == '}') && i + 1 < text.length() && text.charAt(i + 1) == c) {
                literal.append(c);
                i++;
            } else if (c == '{') {
                int close = text.indexOf('}', i);
                if (close < 0) {
                    throw CachectlException.usage("--key '" + text + "': '{' at position " + (i + 1) + " is not closed");
                }
                String name = text.substring(i + 1, close).trim();
                if (name.isEmpty() || name.contains("{")) {
                    throw CachectlException.usage("--key '" + text + "': name a field inside { }, e.g. user:{id}");
                }
                literals.add(literal.toString());
                literal.setLength(0);
                fields.add(name);
                i = close;
            } else if (c == '}') {
                throw CachectlException.usage("--key '" + text + "': '}' at position " + (i + 1) + " has no '{' (write }} for a literal one)");
            } else {
                literal.append(c);
            }
        }
        literals.add(literal.toString());
        if (fields.isEmpty()) {
            throw CachectlException.usage("--key '" + text + "' names no field, so every record would get the same key;"
                    + " use a field in braces, e.g. user:{id}");
        }
        return new KeyTemplate(text, literals, fields);
    }

    /** The same template with {@code prefix} in front, unless it already starts with it. */
    public KeyTemplate withPrefix(String prefix) {
        if (prefix == null || prefix.isEmpty() || text.startsWith(prefix)) {
            return this;
        }
        return parse(prefix.replace("{", "{{").replace("}", "}}") + text);
    }

    public Set<String> fields() {
        Set<String> names = new LinkedHashSet<>();
        for (FieldName field : fields) {
            names.add(field.text());
        }
        return names;
    }

    /** The key for this record, as UTF-8 bytes. */
    public byte[] render(SourceRecord record) {
        if (fields.length == 1) {
            // the common shape, prefix:{id}: one array, no builder
            Bytes value = field(record, 0);
            byte[] head = literals[0];
            byte[] tail = literals[1];
            byte[] key = new byte[head.length + value.length() + tail.length];
            System.arraycopy(head, 0, key, 0, head.length);
            System.arraycopy(value.array(), value.offset(), key, head.length, value.length());
            System.arraycopy(tail, 0, key, head.length + value.length(), tail.length);
            return key;
        }
        ByteArrayOutputStream key = new ByteArrayOutputStream(text.length() + 32);
        for (int i = 0; i < fields.length; i++) {
            key.writeBytes(literals[i]);
            Bytes value = field(record, i);
            key.write(value.array(), value.offset(), value.length());
        }
        key.writeBytes(literals[fields.length]);
        return key.toByteArray();
    }

    private Bytes field(SourceRecord record, int i) {
        Bytes value = record.fieldSlice(fields[i]);
        if (value == null) {
            // absent, or JSON null
            throw new MalformedRecordException("missing key field '" + fields[i] + "'");
        }
        if (value.length() == 0) {
            // the key would be the template's text alone, the same for every such record
            throw new MalformedRecordException("empty key field '" + fields[i] + "'");
        }
        return value;
    }

    @Override
    public String toString() {
        return text;
    }
}
