package dev.cachectl.warm.source;

/** A record that cannot be loaded (bad JSON, a missing key field, …): counted and reported by line, the rest goes on. */
public final class MalformedRecordException extends RuntimeException {

    public MalformedRecordException(String reason) {
        // no stack trace: thousands of bad lines must stay cheap, and the reason says it all
        super(reason, null, false, false);
    }
}
