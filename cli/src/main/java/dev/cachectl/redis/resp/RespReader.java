package dev.cachectl.redis.resp;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads RESP replies from a socket, many per read: the replies to a batch of writes are mostly
 * {@code +OK}, a nil under NX, an integer from a script, or an error line.
 */
public final class RespReader {
    public static final int STATUS = 1;
    public static final int NIL = 2;
    public static final int INTEGER = 3;
    public static final int BULK = 4;
    public static final int ERROR = 5;
    public static final int ARRAY = 6;

    private final InputStream in;
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int lim;
    private long integer;
    private String error;
    /** The start of the last status line ({@code OK}, {@code string}), kept without allocating. */
    private final byte[] status = new byte[16];
    private int statusLength;
    private int arrayErrors;
    private String arrayFirstError;

    public RespReader(InputStream in) {
        this.in = in;
    }

    /** The value of the last {@link #INTEGER} reply. */
    public long integer() {
        return integer;
    }

    /** The text of the last {@link #ERROR} reply. */
    public String error() {
        return error;
    }

    /** How many elements of the last {@link #ARRAY} reply were errors (an EXEC's failed commands). */
    public int arrayErrors() {
        return arrayErrors;
    }

    /** The first error among the elements of the last {@link #ARRAY} reply, or null. */
    public String arrayFirstError() {
        return arrayFirstError;
    }

    /** The text of the last {@link #STATUS} reply (TYPE's answer: {@code string}, {@code hash}…), up to 16 characters. */
    public String statusText() {
        return new String(status, 0, statusLength, StandardCharsets.US_ASCII);
    }

    /** Reads one reply and returns its kind; an integer is then in {@link #integer()}, an error's text in {@link #error()}. */
    public int next() throws IOException {
        int type = read();
        switch (type) {
            case '+' -> {
                status();
                return STATUS;
            }
            case '-' -> {
                error = line();
                return ERROR;
            }
            case ':' -> {
                integer = number();
                return INTEGER;
            }
            case '_' -> {
                skipLine();
                return NIL;
            }
            case '$' -> {
                long n = number();
                if (n < 0) {
                    return NIL;
                }
                skip(n + 2);
                return BULK;
            }
            case '*' -> {
                long n = number();
                int errors = 0;
                String first = null;
                for (long i = 0; i < n; i++) {
                    if (next() == ERROR) {
                        errors++;
                        first = first == null ? error : first;
                    }
                }
                arrayErrors = errors;
                arrayFirstError = first;
                return n < 0 ? NIL : ARRAY;
            }
            default -> throw new IOException("unexpected reply from the server (byte " + type + ")");
        }
    }

    private int read() throws IOException {
        if (pos == lim) {
            fill();
        }
        return buf[pos++];
    }

    private void fill() throws IOException {
        int n = in.read(buf, 0, buf.length);
        if (n < 0) {
            throw new EOFException("the server closed the connection");
        }
        pos = 0;
        lim = n;
    }

    private long number() throws IOException {
        long n = 0;
        boolean negative = false;
        int c = read();
        if (c == '-') {
            negative = true;
            c = read();
        }
        while (c != '\r') {
            n = n * 10 + (c - '0');
            c = read();
        }
        read();
        return negative ? -n : n;
    }

    private void skipLine() throws IOException {
        while (read() != '\n') {
            // status text: only OK is expected, and it carries nothing
        }
    }

    private void status() throws IOException {
        statusLength = 0;
        int c;
        while ((c = read()) != '\r') {
            if (statusLength < status.length) {
                status[statusLength++] = (byte) c;
            }
        }
        read();
    }

    private String line() throws IOException {
        java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream(64);
        int c;
        while ((c = read()) != '\r') {
            text.write(c);
        }
        read();
        return text.toString(StandardCharsets.UTF_8);
    }

    private void skip(long n) throws IOException {
        while (n > 0) {
            if (pos == lim) {
                fill();
            }
            int step = (int) Math.min(n, lim - pos);
            pos += step;
            n -= step;
        }
    }
}
