package dev.cachectl.warm.source;

import dev.cachectl.util.Bytes;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonLinesTest {

    @Test
    void fields_read_as_text_with_escapes_decoded_and_nested_values_as_written() {
        SourceRecord r = record("{ \"id\" : -12.5e3, \"s\":\"a\\\"b\\\\c\\n\\u00e9\\ud83d\\ude00\", \"ok\":true,"
                + " \"none\":null, \"arr\":[1, {\"x\":[]}], \"obj\":{\"k\":\"v\"}, \"\\u0041\":\"escaped name\", \"ü\":\"é\"}");
        assertEquals("-12.5e3", r.field("id"));
        assertEquals("a\"b\\c\né😀", r.field("s"));
        assertEquals("true", r.field("ok"));
        assertNull(r.field("none"));
        assertNull(r.field("missing"));
        assertEquals("[1, {\"x\":[]}]", r.field("arr"));
        assertEquals("{\"k\":\"v\"}", r.field("obj"));
        assertEquals("escaped name", r.field("A"));
        assertEquals("é", r.field("ü"));
        assertArrayEquals("é".getBytes(StandardCharsets.UTF_8), r.fieldBytes("ü"));
        Map<String, String> all = new LinkedHashMap<>();
        r.forEachField(all::put);
        assertEquals(List.of("id", "s", "ok", "arr", "obj", "A", "ü"), List.copyOf(all.keySet()), "null fields are left out");
    }

    @Test
    void anything_that_is_not_one_json_object_is_malformed_with_a_reason() {
        String[] bad = {
                "[1,2]", "\"text\"", "{\"a\":1,}", "{\"a\":01}", "{a:1}", "{'a':1}", "{\"a\" 1}", "{\"a\":1} {\"b\":2}",
                "{\"a\":1", "{\"a\":\"unclosed}", "{\"a\":\"bad \\x escape\"}", "{\"a\":\"tab\there\"}", "{\"a\":tru}",
                "{\"a\":-}", "{\"a\":1.}", "{\"a\":1e}", "{\"a\":[1,]}", "{\"a\":{\"b\":}}", "{\"a\":\"\\u12\"}", "{\"a\" : }",
        };
        for (String line : bad) {
            MalformedRecordException e = assertThrows(MalformedRecordException.class, () -> record(line).field("a"), line);
            assertTrue(e.getMessage().startsWith("bad JSON: "), line + " → " + e.getMessage());
        }
        assertEquals("{}", new String(record("{}").json(), StandardCharsets.UTF_8));
    }

    @Test
    void a_string_ends_at_its_quote_and_a_bad_byte_is_found_wherever_it_falls_in_the_eight_bytes_read_at_once() {
        String plain = "aé €\u007f" + "0123456789abcdefghij"; // UTF-8 bytes of 0x80 and above, DEL and space are plain
        for (int length = 0; length <= plain.length(); length++) {
            String value = plain.substring(0, length);
            for (String tail : new String[] {"", "\"x\":1", "\"xyzxyzxyzxyz\":\"" + value + "\""}) {
                String line = "{\"v\":\"" + value + "\"" + (tail.isEmpty() ? "" : "," + tail) + "}";
                SourceRecord r = record(line);
                assertEquals(value, r.field("v"), line);
                assertArrayEquals(value.getBytes(StandardCharsets.UTF_8), r.fieldBytes(FieldName.of("v")), line);
            }
            for (int at = 0; at <= length; at++) {
                String before = value.substring(0, at);
                String after = value.substring(at);
                assertEquals(before + "\"" + after, record("{\"v\":\"" + before + "\\\"" + after + "\"}").field("v"));
                assertEquals(before + "\\" + after, record("{\"v\":\"" + before + "\\\\" + after + "\"}").field("v"));
                for (char control : new char[] {0x00, 0x01, 0x09, 0x1f}) {
                    String line = "{\"v\":\"" + before + control + after + "\"}";
                    MalformedRecordException e = assertThrows(MalformedRecordException.class, () -> record(line).field("v"));
                    int column = ("{\"v\":\"" + before).length() + 1; // characters, not bytes
                    assertEquals("bad JSON: a control character inside a string (write it as an escape) at column " + column,
                            e.getMessage(), line);
                }
            }
        }
    }

    @Test
    void a_column_counts_characters_from_the_start_of_the_line_blanks_before_the_object_included() {
        String[] lines = {
                "{\"id\":\"a\",\"v\":1,}", "  {\"id\":\"a\",\"v\":1,}", "\t\t\t{\"id\":\"a\",\"v\":1,}",
                "{\"id\":\"ééé\",\"v\":1,}", " \t{\"id\":\"€😀\",\"v\":1,}",
        };
        List<SourceRecord> records = read(String.join("\n", lines) + "\n");
        for (int i = 0; i < lines.length; i++) {
            int column = lines[i].codePointCount(0, lines[i].indexOf(",}") + 1) + 1;
            SourceRecord r = records.get(i);
            MalformedRecordException e = assertThrows(MalformedRecordException.class, () -> r.field("v"));
            assertEquals("bad JSON: expected a field name in quotes at column " + column, e.getMessage(), lines[i]);
        }
        MalformedRecordException after = assertThrows(MalformedRecordException.class, () -> read("  {\"v\":1}  x\n").get(0).field("v"));
        assertEquals("bad JSON: more after the object at column 12", after.getMessage(), "the x, after two blanks and seven characters");
    }

    @Test
    void a_surrogate_escape_must_be_a_high_and_low_pair_or_the_line_is_malformed() {
        assertEquals("A😀B", record("{\"v\":\"A\\ud83d\\ude00B\"}").field("v"));
        String[][] bad = {
                {"{\"v\":\"A\\ud800B\"}", "a high surrogate \\ud800 without a low one after it at column 8"},
                {"{\"v\":\"A\\ud83d\"}", "a high surrogate \\ud83d without a low one after it at column 8"},
                {"{\"v\":\"\\ud83d\\u0041\"}", "a high surrogate \\ud83d without a low one after it at column 7"},
                {"{\"v\":\"\\ude00\\ud83d\"}", "a low surrogate \\ude00 without a high one before it at column 7"},
                {"{\"\\udc00\":1}", "a low surrogate \\udc00 without a high one before it at column 3"},
        };
        for (String[] line : bad) {
            MalformedRecordException e = assertThrows(MalformedRecordException.class, () -> record(line[0]).field("v"), line[0]);
            assertEquals("bad JSON: " + line[1], e.getMessage(), line[0]);
        }
    }

    @Test
    void a_field_name_prepared_once_finds_what_the_text_name_finds() {
        SourceRecord r = record("{\"id\":1,\"i\":\"short\",\"idx\":\"long\",\"\\u0069d\":\"escaped, last\",\"ü\":\"é\",\"n\":null}");
        for (String name : new String[] {"id", "i", "idx", "ü", "n", "missing", "", "I"}) {
            assertArrayEquals(r.fieldBytes(name), r.fieldBytes(FieldName.of(name)), name);
            Bytes slice = r.fieldSlice(FieldName.of(name));
            assertArrayEquals(r.fieldBytes(name), slice == null ? null : slice.toArray(), name + ", as a slice of the line");
        }
        assertEquals("escaped, last", new String(r.fieldBytes(FieldName.of("id")), StandardCharsets.UTF_8),
                "a name written with escapes matches, and the last of a repeated name wins");
        assertArrayEquals("é".getBytes(StandardCharsets.UTF_8), r.fieldBytes(FieldName.of("ü")));
        assertNull(r.fieldBytes(FieldName.of("n")));
    }

    @Test
    void lines_are_numbered_as_in_the_file_with_blank_lines_and_crlf_and_no_final_newline() {
        List<SourceRecord> records = read("{\"n\":1}\r\n\r\n   \n{\"n\":2}\n{\"n\":3}");
        assertEquals(3, records.size());
        assertEquals(List.of(1L, 4L, 5L), records.stream().map(SourceRecord::line).toList());
        assertEquals("3", records.get(2).field("n"));
    }

    @Test
    void records_spanning_chunk_boundaries_and_lines_longer_than_a_chunk_read_whole() {
        StringBuilder input = new StringBuilder();
        String big = "x".repeat(3 << 20);
        input.append("{\"n\":0,\"v\":\"").append(big).append("\"}\n");
        for (int i = 1; i <= 20_000; i++) {
            input.append("{\"n\":").append(i).append(",\"v\":\"").append("y".repeat(i % 97)).append("\"}\n");
        }
        List<SourceRecord> records = read(input.toString());
        assertEquals(20_001, records.size());
        assertEquals(big, records.get(0).field("v"));
        for (int i = 1; i <= 20_000; i++) {
            assertEquals(Integer.toString(i), records.get(i).field("n"));
            assertEquals(i + 1, records.get(i).line());
        }
    }

    @Test
    void a_line_too_long_to_hold_is_reported_and_reading_goes_on_after_it() {
        String huge = "{\"v\":\"" + "z".repeat(JsonLinesSource.MAX_LINE + 10) + "\"}\n";
        List<SourceRecord> records = read(huge + "{\"n\":2}\n");
        assertEquals(2, records.size());
        MalformedRecordException e = assertThrows(MalformedRecordException.class, () -> records.get(0).field("v"));
        assertEquals("line longer than 16 MB", e.getMessage());
        assertEquals(2, records.get(1).line());
        assertEquals("2", records.get(1).field("n"));

        // a line of the limit itself is held, before a newline or at the end without one
        String longest = "{\"v\":\"" + "z".repeat(JsonLinesSource.MAX_LINE - 8) + "\"}";
        List<SourceRecord> whole = read(longest + "\n{\"n\":2}\n");
        assertEquals(JsonLinesSource.MAX_LINE - 8, whole.get(0).field("v").length());
        assertEquals("2", whole.get(1).field("n"));
        assertEquals(JsonLinesSource.MAX_LINE - 8, read(longest).get(0).field("v").length(), "no newline at the end");
        List<SourceRecord> over = read("{\"v\":\"" + "z".repeat(JsonLinesSource.MAX_LINE - 7) + "\"}\n{\"n\":2}\n");
        assertEquals("line longer than 16 MB", assertThrows(MalformedRecordException.class, () -> over.get(0).field("v")).getMessage());
        assertEquals("2", over.get(1).field("n"));
    }

    @Test
    void lines_a_pipe_gives_one_at_a_time_share_a_chunk_rather_than_holding_a_megabyte_each() throws Exception {
        InputStream oneLineARead = new InputStream() {
            private int sent;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (sent == 50) {
                    return -1;
                }
                byte[] line = ("{\"n\":" + sent++ + "}\n").getBytes(StandardCharsets.UTF_8);
                System.arraycopy(line, 0, b, off, line.length);
                return line.length;
            }
        };
        List<SourceRecord> records = new ArrayList<>();
        try (JsonLinesSource source = new JsonLinesSource(oneLineARead, "pipe")) {
            for (SourceRecord r; (r = source.next()) != null; ) {
                records.add(r);
            }
        }
        assertEquals(50, records.size());
        assertEquals("49", records.get(49).field("n"));
        // records waiting in a batch keep their chunk: one each would be a megabyte a record from a slow writer
        Field buf = JsonLineRecord.class.getDeclaredField("buf");
        buf.setAccessible(true);
        Set<Object> chunks = Collections.newSetFromMap(new IdentityHashMap<>());
        for (SourceRecord r : records) {
            chunks.add(buf.get(r));
        }
        assertEquals(1, chunks.size());
    }

    /** The record of {@code line} as the reader cuts it from a buffer: after the line before it, blanks after it cut. */
    private static SourceRecord record(String line) {
        byte[] b = ("\n\n" + line + "  ").getBytes(StandardCharsets.UTF_8);
        return new JsonLineRecord(1, b, 2, b.length - 4);
    }

    private static List<SourceRecord> read(String input) {
        List<SourceRecord> out = new ArrayList<>();
        try (JsonLinesSource source = new JsonLinesSource(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), "test")) {
            SourceRecord r;
            while ((r = source.next()) != null) {
                out.add(r);
            }
        }
        return out;
    }
}
