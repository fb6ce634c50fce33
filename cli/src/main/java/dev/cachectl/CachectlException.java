package dev.cachectl;

/**
 * A failure whose cause is known: it carries the exit code and a one-line message meant for
 * an operator. Anything else that escapes a command is a bug and exits {@link ExitCode#FAILED}.
 */
public class CachectlException extends RuntimeException {
    private final ExitCode exitCode;
    private final java.util.List<String> details;

    public CachectlException(ExitCode exitCode, String message) {
        this(exitCode, message, null);
    }

    public CachectlException(ExitCode exitCode, String message, Throwable cause) {
        this(exitCode, message, java.util.List.of(), cause);
    }

    /** {@code details} are printed under the one-line message, e.g. the last lines a server logged. */
    public CachectlException(ExitCode exitCode, String message, java.util.List<String> details, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
        this.details = java.util.List.copyOf(details);
    }

    public ExitCode exitCode() {
        return exitCode;
    }

    public java.util.List<String> details() {
        return details;
    }

    public static CachectlException usage(String message) {
        return new CachectlException(ExitCode.USAGE, message);
    }

    public static CachectlException failed(String message) {
        return new CachectlException(ExitCode.FAILED, message);
    }

    public static CachectlException failed(String message, Throwable cause) {
        return new CachectlException(ExitCode.FAILED, message, cause);
    }
}
