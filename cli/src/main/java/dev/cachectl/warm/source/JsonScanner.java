package dev.cachectl.warm.source;

import dev.cachectl.util.Swar;

/**
 * A strict, allocation-free reader of one JSON object: it checks the whole text against the JSON
 * grammar and records where each top-level field's name and value lie, without building anything.
 * jackson-core would do the same work, but creating a parser per line costs more than parsing a
 * short line; warm reads millions of them. Per field, {@link #slots} holds six ints:
 * name start, name end, value kind, value start, value end, and whether the string had escapes.
 * Strings are recorded without their quotes; other values as written.
 */
final class JsonScanner {
    static final int SLOT = 6;
    static final int STRING = 1;
    static final int LITERAL = 2; // number, true, false
    static final int NULL = 3;
    static final int NESTED = 4; // object or array, as JSON text
    private static final int MAX_DEPTH = 500;
    /** Bytes a string may hold as they are: not a quote, a backslash or a control character (UTF-8 bytes are). */
    private static final boolean[] PLAIN = new boolean[256];
    private static final long QUOTES = Swar.broadcast('"');
    private static final long BACKSLASHES = Swar.broadcast('\\');
    private static final long SPACES = Swar.broadcast(0x20);

    static {
        for (int i = 0x20; i < 256; i++) {
            PLAIN[i] = i != '"' && i != '\\';
        }
    }

    private final byte[] b;
    private final int end;
    private final int start;
    private int p;
    int[] slots = new int[SLOT * 4];
    int count;

    JsonScanner(byte[] buf, int off, int len) {
        this.b = buf;
        this.start = off;
        this.p = off;
        this.end = off + len;
    }

    /** Scans the object; throws {@link MalformedRecordException} saying what is wrong and where. */
    void scan() {
        ws();
        if (p >= end || b[p] != '{') {
            throw bad("not a JSON object");
        }
        p++;
        ws();
        if (peek() == '}') {
            p++;
        } else {
            while (true) {
                if (peek() != '"') {
                    throw bad("expected a field name in quotes");
                }
                int slot = count * SLOT;
                if (slot + SLOT > slots.length) {
                    slots = java.util.Arrays.copyOf(slots, slots.length * 2);
                }
                p++;
                slots[slot] = p;
                slots[slot + 5] = string() ? 1 : 0;
                slots[slot + 1] = p - 1;
                ws();
                if (peek() != ':') {
                    throw bad("expected ':' after a field name");
                }
                p++;
                ws();
                int kind = value(slot, 1);
                slots[slot + 2] = kind;
                count++;
                ws();
                int c = peek();
                p++;
                if (c == '}') {
                    break;
                }
                if (c != ',') {
                    throw bad(c < 0 ? "the object is not closed" : "expected ',' or '}'", p - 1);
                }
                ws();
            }
        }
        ws();
        if (p < end) {
            throw bad("more after the object");
        }
    }

    /** Scans a value at p; for a top-level one (slot >= 0) records where it lies; returns its kind. */
    private int value(int slot, int depth) {
        int c = peek();
        int from = p;
        int kind;
        boolean escaped = false;
        switch (c) {
            case '"' -> {
                p++;
                from = p;
                escaped = string();
                kind = STRING;
                if (slot >= 0) {
                    slots[slot + 3] = from;
                    slots[slot + 4] = p - 1;
                    slots[slot + 5] |= escaped ? 2 : 0;
                }
                return kind;
            }
            case '{', '[' -> {
                nested(depth);
                kind = NESTED;
            }
            case 't' -> {
                word("true");
                kind = LITERAL;
            }
            case 'f' -> {
                word("false");
                kind = LITERAL;
            }
            case 'n' -> {
                word("null");
                kind = NULL;
            }
            default -> {
                if (c == '-' || c >= '0' && c <= '9') {
                    number();
                    kind = LITERAL;
                } else {
                    throw bad(c < 0 ? "a value is missing" : "unexpected character " + describe(c));
                }
            }
        }
        if (slot >= 0) {
            slots[slot + 3] = from;
            slots[slot + 4] = p;
        }
        return kind;
    }

    private void nested(int depth) {
        if (depth > MAX_DEPTH) {
            throw bad("nested more than " + MAX_DEPTH + " deep");
        }
        byte open = b[p++];
        byte close = (byte) (open == '{' ? '}' : ']');
        ws();
        if (peek() == close) {
            p++;
            return;
        }
        while (true) {
            if (open == '{') {
                if (peek() != '"') {
                    throw bad("expected a field name in quotes");
                }
                p++;
                string();
                ws();
                if (peek() != ':') {
                    throw bad("expected ':' after a field name");
                }
                p++;
                ws();
            }
            value(-1, depth + 1);
            ws();
            int c = peek();
            p++;
            if (c == close) {
                return;
            }
            if (c != ',') {
                throw bad(c < 0 ? "an " + (open == '{' ? "object" : "array") + " is not closed"
                        : "expected ',' or '" + (char) close + "'", p - 1);
            }
            ws();
        }
    }

    /** After an opening quote: scans to just past the closing one; true when the string has escapes. */
    private boolean string() {
        boolean escaped = false;
        while (p < end) {
            // most of a line is string content: eight bytes a test, then one table look-up per byte
            while (p + Long.BYTES <= end) {
                long w = Swar.word(b, p);
                long stop = Swar.equal(w, QUOTES) | Swar.equal(w, BACKSLASHES) | Swar.below(w, SPACES);
                if (stop != 0) {
                    p += Swar.first(stop);
                    break;
                }
                p += Long.BYTES;
            }
            while (p < end && PLAIN[b[p] & 0xff]) {
                p++;
            }
            if (p >= end) {
                break;
            }
            byte c = b[p++];
            if (c == '"') {
                return escaped;
            }
            if (c == '\\') {
                escaped = true;
                if (p >= end) {
                    break;
                }
                byte e = b[p++];
                if (e == 'u') {
                    surrogates(p - 2, hex4());
                } else if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' && e != 'r' && e != 't') {
                    throw bad("bad escape \\" + (char) e + " in a string", p - 1);
                }
            } else if (c >= 0 && c < 0x20) {
                throw bad("a control character inside a string (write it as an escape)", p - 1);
            }
        }
        throw bad("a string is not closed");
    }

    /** Four hex digits of a {@code \\u} escape at p, as a UTF-16 unit. */
    private int hex4() {
        int unit = 0;
        for (int i = 0; i < 4; i++) {
            int digit = p < end ? Character.digit(b[p], 16) : -1;
            p++;
            if (digit < 0) {
                throw bad("bad \\u escape in a string", p - 1);
            }
            unit = unit << 4 | digit;
        }
        return unit;
    }

    /**
     * A surrogate escape must be a pair, high then low ({@code \\ud83d\\ude00}): alone it is no character, and
     * written as UTF-8 it would become a '?' without a word.
     */
    private void surrogates(int escape, int unit) {
        if (Character.isLowSurrogate((char) unit)) {
            throw bad(String.format("a low surrogate \\u%04x without a high one before it", unit), escape);
        }
        if (Character.isHighSurrogate((char) unit)) {
            if (p + 1 >= end || b[p] != '\\' || b[p + 1] != 'u') {
                throw bad(String.format("a high surrogate \\u%04x without a low one after it", unit), escape);
            }
            p += 2;
            int low = hex4();
            if (!Character.isLowSurrogate((char) low)) {
                throw bad(String.format("a high surrogate \\u%04x without a low one after it", unit), escape);
            }
        }
    }

    private void number() {
        if (peek() == '-') {
            p++;
        }
        if (peek() == '0') {
            p++;
        } else if (!digits()) {
            throw bad("bad number");
        }
        if (peek() == '.') {
            p++;
            if (!digits()) {
                throw bad("bad number: digits must follow '.'");
            }
        }
        int c = peek();
        if (c == 'e' || c == 'E') {
            p++;
            c = peek();
            if (c == '+' || c == '-') {
                p++;
            }
            if (!digits()) {
                throw bad("bad number: digits must follow the exponent");
            }
        }
    }

    private boolean digits() {
        int from = p;
        while (p < end && b[p] >= '0' && b[p] <= '9') {
            p++;
        }
        return p > from;
    }

    private void word(String w) {
        for (int i = 0; i < w.length(); i++) {
            if (p >= end || b[p] != w.charAt(i)) {
                throw bad("unexpected characters (expected " + w + "?)");
            }
            p++;
        }
    }

    /** Skips whitespace: the test for none, the common case, small enough for the JIT to inline. */
    private void ws() {
        if (p < end && b[p] <= ' ') {
            skipWhitespace();
        }
    }

    private void skipWhitespace() {
        while (p < end) {
            byte c = b[p];
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                return;
            }
            p++;
        }
    }

    private int peek() {
        return p < end ? b[p] & 0xff : -1;
    }

    private static String describe(int c) {
        return c >= 0x20 && c < 0x7f ? "'" + (char) c + "'" : String.format("0x%02x", c);
    }

    private MalformedRecordException bad(String what) {
        return bad(what, p);
    }

    private MalformedRecordException bad(String what, int at) {
        return new MalformedRecordException("bad JSON: " + what + " at column " + column(Math.min(at, end)));
    }

    /**
     * The column of byte {@code at} as an editor shows it: in characters (UTF-8 sequences count once), from the
     * start of the line, blanks before the object included. The reader cut those from the record; before them in the
     * buffer is the previous line's newline or nothing.
     */
    private int column(int at) {
        int from = start;
        while (from > 0 && (b[from - 1] == ' ' || b[from - 1] == '\t' || b[from - 1] == '\r')) {
            from--;
        }
        int column = 1;
        for (int i = from; i < at; i++) {
            if ((b[i] & 0xC0) != 0x80) {
                column++;
            }
        }
        return column;
    }
}
