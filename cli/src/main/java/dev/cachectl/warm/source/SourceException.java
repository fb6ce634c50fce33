package dev.cachectl.warm.source;

/** The source itself failed part-way (a truncated gzip, a lost database connection): nothing after this can be read. */
public final class SourceException extends RuntimeException {

    public SourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
