package dev.cachectl.warm.sink;

/** The connection to the target broke in the middle of a batch; what the server did with the unanswered ops is unknown. */
final class SinkLostException extends RuntimeException {

    SinkLostException(String message, Throwable cause) {
        super(message, cause);
    }
}
