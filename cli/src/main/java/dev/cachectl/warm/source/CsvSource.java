package dev.cachectl.warm.source;

import dev.cachectl.CachectlException;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/**
 * CSV as RFC 4180 has it: a header row names the columns; a field in double quotes may hold commas,
 * line breaks and doubled quotes ({@code ""}); records end with CRLF or LF. A record is reported by
 * the line it starts on. A record with the wrong number of fields, or a broken quote, is malformed
 * and reading resumes on the next line. Blank lines are skipped.
 *
 * <p>A malformed record that ran over several lines (a quoted field held a line break) most likely
 * began with an unbalanced quote that swallowed the records after it: only its first line is reported,
 * and the lines after it are read again as records, so one stray quote costs one record, not the rest
 * of the file.
 */
final class CsvSource implements RecordSource {
    private static final int MAX_RECORD = JsonLinesSource.MAX_LINE;
    private static final int BUF = 1 << 16;

    private final Reader in;
    private final String name;
    private final String[] header;
    private char[] buf = new char[BUF];
    private int pos;
    private int limit;
    private long line = 1;
    private final StringBuilder field = new StringBuilder();
    private final List<String> fields = new ArrayList<>();
    private String error;
    private int recordChars;
    /** What the current record consumed after its first line, kept once a quoted field crossed a line break. */
    private final StringBuilder rest = new StringBuilder();
    private boolean spanning;
    /** The run stopped (Ctrl-C, SIGTERM) with everything taken from the pipe read: the end, but a record not ended is cut short. */
    private boolean stopped;
    private long restLine;

    CsvSource(InputStream data, String name) {
        this.in = new InputStreamReader(data, StandardCharsets.UTF_8);
        this.name = name;
        if (peek() == '\uFEFF') {
            pos++;
        }
        String[] h = readRecord();
        if (h == null) {
            header = new String[0];
            return;
        }
        if (error != null) {
            throw CachectlException.usage(name + ": the CSV header on line 1 is broken: " + error);
        }
        HashSet<String> seen = new HashSet<>();
        for (String column : h) {
            if (column.isBlank()) {
                throw CachectlException.usage(name + ": the CSV header on line 1 has an empty column name");
            }
            if (!seen.add(column)) {
                throw CachectlException.usage(name + ": the CSV header on line 1 names column '" + column + "' twice");
            }
        }
        header = h;
    }

    @Override
    public Optional<List<String>> columns() {
        return header.length == 0 ? Optional.empty() : Optional.of(List.of(header));
    }

    @Override
    public SourceRecord next() {
        while (true) {
            long start = line;
            String[] values = readRecord();
            if (values == null) {
                return null;
            }
            if (error == null && values.length == 1 && values[0].isEmpty() && header.length != 1) {
                continue;
            }
            if (error == null && values.length != header.length) {
                error = "has " + values.length + " field" + (values.length == 1 ? "" : "s") + ", the header has " + header.length;
            }
            if (error != null) {
                return SourceRecord.malformed(start, spanning ? readRestAgain() : error);
            }
            return new FieldsRecord(start, header, values, recordChars + 1);
        }
    }

    /** Puts back what the malformed record read after its first line, to be read again as records. */
    private String readRestAgain() {
        char[] next = new char[rest.length() + limit - pos];
        rest.getChars(0, rest.length(), next, 0);
        System.arraycopy(buf, pos, next, rest.length(), limit - pos);
        buf = next;
        pos = 0;
        limit = next.length;
        line = restLine;
        spanning = false;
        return error + " (an unbalanced quote?); reading resumed on line " + restLine;
    }

    /** One record's fields, or null at the end of input; on a syntax error {@link #error} says why. */
    private String[] readRecord() {
        error = null;
        fields.clear();
        field.setLength(0);
        recordChars = 0;
        spanning = false;
        rest.setLength(0);
        int c = peek();
        if (c < 0) {
            return null;
        }
        boolean quoted = false;
        boolean afterQuote = false;
        while (true) {
            c = read();
            if (c >= 0 && ++recordChars > MAX_RECORD) {
                error = "record longer than " + (MAX_RECORD >> 20) + " MB";
                skipLineUnlessSpanning();
                return new String[0];
            }
            if (c < 0 && stopped) {
                // the writer had not ended it: a field may be cut, and a cut field is no value to write
                error = "cut short by the stop: the " + recordChars + " character" + (recordChars == 1 ? "" : "s")
                        + " read of it had no end of line yet; not written";
                return new String[0];
            }
            if (quoted) {
                if (c < 0) {
                    error = "a quoted field is not closed before the end of the input";
                    return new String[0];
                }
                if (c == '"') {
                    if (peek() == '"') {
                        read();
                        field.append('"');
                    } else {
                        quoted = false;
                        afterQuote = true;
                    }
                } else {
                    if (c == '\n') {
                        line++;
                        if (!spanning) {
                            spanning = true;
                            restLine = line;
                        }
                    }
                    field.append((char) c);
                }
                continue;
            }
            if (c < 0 || c == '\n' || c == '\r' && peek() == '\n') {
                if (c == '\r') {
                    read();
                }
                if (c >= 0) {
                    line++;
                }
                fields.add(field.toString());
                return fields.toArray(String[]::new);
            }
            if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
                afterQuote = false;
            } else if (afterQuote) {
                error = "unexpected " + describe(c) + " after a closing quote (a quote inside a field is written \"\")";
                skipLineUnlessSpanning();
                return new String[0];
            } else if (c == '"' && field.isEmpty()) {
                quoted = true;
            } else {
                field.append((char) c);
            }
        }
    }

    /** A record that spans lines is read again from its second line: nothing to skip then. */
    private void skipLineUnlessSpanning() {
        if (spanning) {
            return;
        }
        int c;
        while ((c = read()) >= 0) {
            if (c == '\n') {
                line++;
                return;
            }
        }
    }

    private static String describe(int c) {
        return c == '"' ? "quote" : "'" + (char) c + "'";
    }

    private int peek() {
        if (pos == limit && !fill()) {
            return -1;
        }
        return buf[pos];
    }

    private int read() {
        if (pos == limit && !fill()) {
            return -1;
        }
        char c = buf[pos++];
        if (spanning) {
            rest.append(c);
        }
        return c;
    }

    private boolean fill() {
        if (buf.length != BUF) {
            buf = new char[BUF]; // after a read-again buffer, which may be of any size
        }
        try {
            int n = in.read(buf, 0, buf.length);
            if (n <= 0) {
                return false;
            }
            pos = 0;
            limit = n;
            return true;
        } catch (PipeInput.Stopped e) {
            stopped = true;
            return false;
        } catch (IOException e) {
            throw new SourceException("cannot read " + name + " at line " + line + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException ignored) {
            // read-only: nothing is lost
        }
    }

    @Override
    public String toString() {
        return name + " (CSV)";
    }
}
