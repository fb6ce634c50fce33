package dev.cachectl.lifecycle;

/** The server could not bind its port: another process took it between our check and its bind. */
final class PortLostException extends RuntimeException {
    PortLostException(String logLine) {
        super(logLine, null, false, false);
    }
}
