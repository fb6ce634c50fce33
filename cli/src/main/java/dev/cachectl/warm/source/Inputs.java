package dev.cachectl.warm.source;

import dev.cachectl.CachectlException;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.zip.GZIPInputStream;

/**
 * Opens a file or stdin as a record source: gzip is recognised by its magic bytes (so a {@code .gz}
 * without the suffix, or gzipped stdin, works too), the format by the file name or, failing that,
 * by the first character ({@code {} means JSON Lines).
 */
public final class Inputs {
    private static final int BUFFER = 1 << 16;

    private Inputs() {
    }

    /**
     * {@code file} null means stdin. Stdin and other pipes are read through a {@link PipeInput}, so that a wait for their
     * writer ends once {@code stop} says so, and the source runs {@link RecordSource#whileWaiting} tasks; a regular file
     * is read directly, as fast as it can be.
     */
    public static RecordSource open(Path file, InputStream stdin, SourceFormat format, BooleanSupplier stop) {
        String name = file == null ? "stdin" : file.toString();
        InputStream in = file == null ? stdin : openFile(file);
        PipeInput pipe = file == null || !Files.isRegularFile(file) ? new PipeInput(in, stop) : null;
        if (pipe != null) {
            in = pipe;
        }
        try {
            InputStream data = decompressed(new BufferedInputStream(in, BUFFER));
            SourceFormat actual = format != SourceFormat.auto ? format : byName(file);
            if (actual == SourceFormat.auto) {
                actual = sniff(data);
            }
            RecordSource source = actual == SourceFormat.csv ? new CsvSource(data, name) : new JsonLinesSource(data, name);
            return pipe == null ? source : new Piped(source, pipe);
        } catch (IOException e) {
            close(in);
            throw CachectlException.usage("cannot read " + name + ": " + e.getMessage());
        } catch (RuntimeException e) {
            close(in); // a broken CSV header: a pipe's reading thread ends with it
            throw e;
        }
    }

    /** The format a file name announces, after any {@code .gz}; auto when it says nothing. */
    public static SourceFormat byName(Path file) {
        if (file == null) {
            return SourceFormat.auto;
        }
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".gz")) {
            n = n.substring(0, n.length() - 3);
        }
        if (n.endsWith(".jsonl") || n.endsWith(".ndjson") || n.endsWith(".json")) {
            return SourceFormat.jsonl;
        }
        return n.endsWith(".csv") ? SourceFormat.csv : SourceFormat.auto;
    }

    private static InputStream openFile(Path file) {
        try {
            if (Files.isDirectory(file)) {
                throw CachectlException.usage(file + " is a directory, not a file");
            }
            return Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw CachectlException.usage("no such file: " + file);
        } catch (AccessDeniedException e) {
            throw CachectlException.usage("cannot read " + file + ": permission denied");
        } catch (IOException e) {
            throw CachectlException.usage("cannot read " + file + ": " + e.getMessage());
        }
    }

    private static InputStream decompressed(BufferedInputStream in) throws IOException {
        in.mark(2);
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        if (b1 == 0x1f && b2 == 0x8b) {
            return new BufferedInputStream(new NoReadAhead(new GZIPInputStream(in, BUFFER)), BUFFER);
        }
        return in;
    }

    /**
     * A stream that never says more is ready. A buffered read goes on reading while its source has more
     * ready, and when a later read of that loop fails (a truncated .gz), the bytes it had already read are
     * lost with the exception: with nothing ready, every buffered read makes one read here, and the one that
     * fails has produced nothing.
     */
    private static final class NoReadAhead extends FilterInputStream {
        NoReadAhead(InputStream in) {
            super(in);
        }

        @Override
        public int available() {
            return 0;
        }
    }

    private static SourceFormat sniff(InputStream in) throws IOException {
        in.mark(BUFFER);
        try {
            int b;
            int read = 0;
            while ((b = in.read()) != -1 && read++ < BUFFER - 1) {
                if (b == 0xEF || b == 0xBB || b == 0xBF || Character.isWhitespace(b)) {
                    continue; // a UTF-8 byte-order mark, or leading blank lines
                }
                return b == '{' ? SourceFormat.jsonl : SourceFormat.csv;
            }
            return SourceFormat.jsonl;
        } finally {
            in.reset();
        }
    }

    /** A source read from a pipe: its waits run the task the reader gives. */
    private record Piped(RecordSource source, PipeInput pipe) implements RecordSource {
        @Override
        public SourceRecord next() {
            return source.next();
        }

        @Override
        public Optional<List<String>> columns() {
            return source.columns();
        }

        @Override
        public void whileWaiting(Runnable idle) {
            pipe.whileWaiting(idle);
        }

        @Override
        public boolean consumesInput() {
            return true;
        }

        @Override
        public void close() {
            source.close();
        }

        @Override
        public String toString() {
            return source.toString();
        }
    }

    private static void close(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // already failing; the first error is the one to report
        }
    }
}
