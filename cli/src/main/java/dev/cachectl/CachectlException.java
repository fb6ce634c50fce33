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

    /** A fully qualified Java name, or an exception or error class name, as they appear inside messages. */
    private static final java.util.regex.Pattern JAVA_NAME = java.util.regex.Pattern.compile(
            "\\b(?:java|javax|jdk|sun|redis\\.clients|com\\.fasterxml|com\\.mongodb|org\\.bson|picocli|dev\\.cachectl)"
                    + "\\.[\\w.$]+(?::\\s*)?|\\b\\w+Exception\\b:?\\s*|\\b[A-Z]\\w*Error\\b:?\\s*");

    /**
     * The first line of a library's message with Java names taken out, for the rare message that is
     * worth passing on (a reason the operating system gave); empty when nothing readable is left.
     */
    public static String withoutJavaNames(String message) {
        if (message == null) {
            return "";
        }
        String line = message.lines().findFirst().orElse("");
        return JAVA_NAME.matcher(line).replaceAll("").replaceAll("\\(\\s*\\)", "").trim();
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
