package dev.cachectl.util;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Small flat records (state files) to and from snake_case JSON with jackson-core's streaming API.
 * Every command reads a state file, and databind's start-up cost (hundreds of classes, ~0.2 s on
 * a cold JVM) would be most of a {@code status}; output documents still go through {@link Json}.
 * Supported component types: String, boxed and primitive long/int/boolean/double, List of String, and
 * records, or Lists of records, made of these (a cluster's nodes, a checkpoint's streams).
 */
public final class RecordJson {
    private static final JsonFactory FACTORY = new JsonFactory();

    private RecordJson() {
    }

    public static byte[] write(Record record) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator gen = FACTORY.createGenerator(bytes)) {
            gen.useDefaultPrettyPrinter();
            writeRecord(gen, record);
        }
        bytes.write('\n');
        return bytes.toByteArray();
    }

    public static <T extends Record> T read(byte[] json, Class<T> type) throws IOException {
        Map<String, Object> fields;
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            fields = readObject(p);
        }
        return build(fields, type);
    }

    private static void writeRecord(JsonGenerator gen, Record record) throws IOException {
        gen.writeStartObject();
        for (RecordComponent c : record.getClass().getRecordComponents()) {
            gen.writeFieldName(snake(c.getName()));
            writeValue(gen, get(c, record));
        }
        gen.writeEndObject();
    }

    private static Map<String, Object> readObject(JsonParser p) throws IOException {
        Map<String, Object> fields = new HashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            fields.put(name, readValue(p));
        }
        return fields;
    }

    private static <T extends Record> T build(Map<String, Object> fields, Class<T> type) throws IOException {
        RecordComponent[] components = type.getRecordComponents();
        Object[] args = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            args[i] = convert(fields.get(snake(components[i].getName())), components[i]);
        }
        try {
            Constructor<T> ctor = type.getDeclaredConstructor(types);
            ctor.setAccessible(true);
            return ctor.newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + type.getSimpleName(), e);
        }
    }

    private static void writeValue(JsonGenerator gen, Object v) throws IOException {
        if (v == null) {
            gen.writeNull();
        } else if (v instanceof String s) {
            gen.writeString(s);
        } else if (v instanceof Long || v instanceof Integer) {
            gen.writeNumber(((Number) v).longValue());
        } else if (v instanceof Double d) {
            gen.writeNumber(d);
        } else if (v instanceof Boolean b) {
            gen.writeBoolean(b);
        } else if (v instanceof Record r) {
            writeRecord(gen, r);
        } else if (v instanceof List<?> list) {
            gen.writeStartArray();
            for (Object item : list) {
                writeValue(gen, item);
            }
            gen.writeEndArray();
        } else {
            throw new IllegalArgumentException("unsupported type " + v.getClass());
        }
    }

    private static Object readValue(JsonParser p) throws IOException {
        return switch (p.currentToken()) {
            case VALUE_NULL -> null;
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT -> p.getLongValue();
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(readValue(p));
                }
                yield list;
            }
            case START_OBJECT -> readObject(p);
            default -> throw new IOException("unexpected " + p.currentToken());
        };
    }

    private static Object convert(Object v, RecordComponent component) throws IOException {
        Class<?> type = component.getType();
        String name = component.getName();
        if (v == null) {
            // if/else, not a ternary chain: that would promote every default to double
            if (type == long.class) {
                return 0L;
            } else if (type == int.class) {
                return 0;
            } else if (type == double.class) {
                return 0.0;
            } else if (type == boolean.class) {
                return false;
            }
            return null;
        }
        if (type == String.class && v instanceof String) {
            return v;
        }
        if ((type == long.class || type == Long.class) && v instanceof Long l) {
            return l;
        }
        if ((type == int.class || type == Integer.class) && v instanceof Long l) {
            return Math.toIntExact(l);
        }
        if ((type == double.class || type == Double.class) && v instanceof Number n) {
            return n.doubleValue();
        }
        if ((type == boolean.class || type == Boolean.class) && v instanceof Boolean b) {
            return b;
        }
        if (type.isRecord() && v instanceof Map<?, ?> map) {
            @SuppressWarnings("unchecked")
            Map<String, Object> fields = (Map<String, Object>) map;
            return build(fields, type.asSubclass(Record.class));
        }
        if (type == List.class && v instanceof List<?> list) {
            Class<?> element = elementType(component);
            if (element != null && element.isRecord()) {
                List<Object> records = new ArrayList<>();
                for (Object item : list) {
                    if (!(item instanceof Map<?, ?> map)) {
                        throw new IOException("field " + snake(name) + " must hold objects");
                    }
                    @SuppressWarnings("unchecked")
                    Map<String, Object> fields = (Map<String, Object>) map;
                    records.add(build(fields, element.asSubclass(Record.class)));
                }
                return List.copyOf(records);
            }
            for (Object item : list) {
                if (item instanceof Map) {
                    throw new IOException("field " + snake(name) + " must not hold objects");
                }
            }
            return List.copyOf(list);
        }
        throw new IOException("field " + snake(name) + " has the wrong type (" + v.getClass().getSimpleName() + ")");
    }

    private static Class<?> elementType(RecordComponent component) {
        if (component.getGenericType() instanceof java.lang.reflect.ParameterizedType pt
                && pt.getActualTypeArguments()[0] instanceof Class<?> c) {
            return c;
        }
        return null;
    }

    private static Object get(RecordComponent c, Record r) {
        try {
            var accessor = c.getAccessor();
            accessor.setAccessible(true);
            return accessor.invoke(r);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException(e);
        }
    }

    static String snake(String camel) {
        StringBuilder sb = new StringBuilder();
        for (char ch : camel.toCharArray()) {
            if (Character.isUpperCase(ch)) {
                sb.append('_').append(Character.toLowerCase(ch));
            } else {
                sb.append(ch);
            }
        }
        return sb.toString();
    }
}
