package dev.cachectl.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.cachectl.util.Json;
import picocli.CommandLine;

import java.io.PrintWriter;

/**
 * How a command speaks: the answer on stdout (text, or one JSON document with --json), notes and
 * warnings on stderr (silenced by --quiet). Colour only through picocli markup, so NO_COLOR and
 * non-terminals get plain text.
 */
final class Output {
    private final CommandLine cli;
    private final CachectlCommand top;
    private final boolean json;
    private final boolean quiet;
    private final boolean verbose;

    Output(CommandLine cli, CachectlCommand top) {
        this.cli = cli;
        this.top = top;
        this.json = top.json();
        this.quiet = top.quiet();
        this.verbose = top.verbose();
    }

    boolean json() {
        return json;
    }

    PrintWriter out() {
        return cli.getOut();
    }

    /** The answer as a JSON document, the run's one (a failure after it adds none: see {@link ErrorHandler}). */
    void printJson(Object result) {
        printJson(cli.getOut(), result);
        top.answered();
    }

    static void printJson(PrintWriter out, Object document) {
        try {
            out.println(Json.MAPPER.writeValueAsString(document));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One line of the answer, with optional picocli markup such as {@code @|green up|@}. */
    void line(String markup) {
        cli.getOut().println(ansi(markup));
    }

    /** A note on stderr, not part of the answer. */
    void note(String text) {
        if (!quiet) {
            cli.getErr().println(errorAnsi(text));
        }
    }

    /** A warning on stderr, shown even with --quiet. */
    void warn(String text) {
        cli.getErr().println(errorAnsi("@|yellow " + text + "|@"));
    }

    /** A failure that does not end the command (others go on): one red line, details indented. */
    void error(String text, java.util.List<String> details) {
        cli.getErr().println(top.errorColours().errorText("cachectl: " + text));
        details.forEach(d -> cli.getErr().println("  " + d));
    }

    /**
     * With --verbose, the stack trace of what caused a failure the command reported itself (as the
     * exception handler does for one that escaped it); nothing without --verbose, or without a cause.
     */
    void trace(Throwable cause) {
        if (verbose && cause != null) {
            cause.printStackTrace(cli.getErr());
        }
    }

    /** Markup for stdout: colour when stdout is a terminal. */
    String ansi(String markup) {
        return cli.getColorScheme().ansi().string(markup);
    }

    /** Markup for stderr: colour when stderr is a terminal. */
    String errorAnsi(String markup) {
        return top.errorColours().ansi().string(markup);
    }
}
