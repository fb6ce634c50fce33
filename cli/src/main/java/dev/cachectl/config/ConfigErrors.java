package dev.cachectl.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cachectl.CachectlException;

import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A cachectl.yaml mistake in an operator's words: the file, the line and column of the setting (the
 * key itself, found again by its path, not where the parser happened to stop), and what is wrong
 * with it, without the names of the Java types it was being read into.
 */
final class ConfigErrors {
    private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '([^']*)'");
    private static final Pattern FOUND = Pattern.compile("from (\\w+) (?:value|\")|token `JsonToken\\.(\\w+)`");

    private ConfigErrors() {
    }

    static String describe(Path file, JsonProcessingException e) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause() == t ? null : t.getCause()) {
            // SnakeYAML wraps a failed read of the file itself
            if (t instanceof IOException io && !(io instanceof JsonProcessingException)) {
                return file + ": cannot be read (" + CachectlException.withoutJavaNames(io.getMessage()) + ")";
            }
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
                Mark mark = marked.getProblemMark();
                return file + ", line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ": "
                        + syntax(marked.getProblem() + " " + marked.getContext());
            }
        }
        Matcher duplicate = DUPLICATE.matcher(String.valueOf(e.getOriginalMessage()));
        if (duplicate.find() && e.getLocation() != null) {
            // the parser stands just past the second key: its line is the one to show, not that column
            return file + ", line " + e.getLocation().getLineNr() + ": '" + duplicate.group(1)
                    + "' is written twice at the same level: keep one";
        }
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            String path = dotted(mapping.getPath());
            JsonLocation at = locate(file, pointer(mapping.getPath()));
            return file + where(at != null ? at : mapping.getLocation()) + ": " + problem(mapping, path);
        }
        return file + where(e.getLocation()) + ": " + syntax(e.getOriginalMessage());
    }

    private static String problem(JsonMappingException e, String path) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            return "unknown setting '" + unknown.getPropertyName() + "' at " + path + " (known: "
                    + String.join(", ", unknown.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList()) + ")";
        }
        if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            return path + " should be " + expected(mismatch.getTargetType()) + ", but it is " + found(e.getOriginalMessage())
                    + (isMapping(mismatch.getTargetType()) ? ": check that the settings under it are indented below it" : "");
        }
        return path + " has a value cachectl cannot read";
    }

    private static boolean isMapping(Class<?> type) {
        return Map.class.isAssignableFrom(type) || type.isRecord();
    }

    private static String expected(Class<?> type) {
        if (isMapping(type)) {
            return "a group of 'name: value' settings";
        }
        if (List.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            return "a number";
        }
        return "a single value";
    }

    private static String found(String message) {
        Matcher m = FOUND.matcher(message == null ? "" : message);
        String kind = m.find() ? (m.group(1) != null ? m.group(1) : m.group(2)) : "";
        return switch (kind) {
            case "Number", "VALUE_NUMBER_INT", "VALUE_NUMBER_FLOAT", "Integer", "Floating" -> "a number";
            case "String", "VALUE_STRING" -> "text";
            case "Array", "START_ARRAY" -> "a list";
            case "Object", "START_OBJECT" -> "a group of settings";
            case "Boolean", "VALUE_TRUE", "VALUE_FALSE" -> "true or false";
            default -> "something else";
        };
    }

    /** A YAML syntax error: what the parser found, in words, with tabs and indentation called by name. */
    private static String syntax(String original) {
        String message = original == null ? "" : original;
        if (message.contains("'\\t'") || message.contains("\\t(TAB)")) {
            return "a tab character: YAML indents with spaces only";
        }
        if (message.contains("block end") || message.contains("block mapping") || message.contains("mapping values are not allowed")) {
            return "the indentation does not line up with the lines above it (not valid YAML)";
        }
        String first = CachectlException.withoutJavaNames(message.strip());
        return "not valid YAML" + (first.isEmpty() ? "" : " (" + first.replaceFirst("^while ", "") + ")");
    }

    private static String where(JsonLocation at) {
        if (at == null || at.getLineNr() < 1) {
            return "";
        }
        return ", line " + at.getLineNr() + (at.getColumnNr() > 0 ? ", column " + at.getColumnNr() : "");
    }

    /** ", line N, column M" of the setting at {@code keys} in the file, or "" when it cannot be found. */
    static String where(Path file, String... keys) {
        JsonPointer p = JsonPointer.empty();
        for (String key : keys) {
            p = p.appendProperty(key);
        }
        return where(locate(file, p));
    }

    /** Where the key at {@code target} starts, read again from the file; null if it cannot be found. */
    private static JsonLocation locate(Path file, JsonPointer target) {
        try (JsonParser parser = new YAMLFactory().createParser(file.toFile())) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                if (token == JsonToken.FIELD_NAME && parser.getParsingContext().pathAsPointer().equals(target)) {
                    return parser.currentTokenLocation();
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    private static JsonPointer pointer(List<JsonMappingException.Reference> path) {
        JsonPointer p = JsonPointer.empty();
        for (JsonMappingException.Reference ref : path) {
            p = ref.getFieldName() != null ? p.appendProperty(ref.getFieldName()) : p.appendIndex(Math.max(0, ref.getIndex()));
        }
        return p;
    }

    private static String dotted(List<JsonMappingException.Reference> path) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : path) {
            if (ref.getFieldName() != null) {
                sb.append(sb.isEmpty() ? "" : ".").append(ref.getFieldName());
            } else {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.isEmpty() ? "the top level" : sb.toString();
    }
}
