package dev.cachectl.cli;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.redis.RedisClients;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps every failure to one red line on stderr and an exit code from {@link ExitCode}. Known causes
 * carry their code; file and connection failures that escaped a command are put in an operator's
 * words; anything else is a bug: exit 1, a sentence that says so, and the stack trace only with
 * {@code --verbose}. No Java class name reaches the user without {@code --verbose}. With {@code --json},
 * the same line is also a document on stdout unless the command printed its own, so that stdout
 * always holds one.
 */
public final class ErrorHandler implements IExecutionExceptionHandler, IParameterExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cli, ParseResult parseResult) {
        PrintWriter err = cli.getErr();
        boolean verbose = parseResult != null && isVerbose(cli);
        if (ex instanceof CachectlException known) {
            err.println(red(cli, "cachectl: " + known.getMessage()));
            for (String detail : known.details()) {
                err.println("  " + detail);
            }
            if (verbose && known.getCause() != null) {
                known.getCause().printStackTrace(err);
            }
            return answerWithFailure(cli, isJson(cli), known.exitCode(), known.getMessage(), known.details());
        }
        Known cause = explain(ex);
        err.println(red(cli, "cachectl: " + cause.message()));
        List<String> details = List.of();
        if (verbose) {
            ex.printStackTrace(err);
        } else if (cause.code() == ExitCode.FAILED && !cause.bug()) {
            details = List.of("(run again with --verbose for the stack trace)");
            err.println("  " + details.get(0));
        }
        return answerWithFailure(cli, isJson(cli), cause.code(), cause.message(), details);
    }

    /**
     * What {@code --json} prints when a run fails before its command printed a document of its own: the
     * stderr line and its indented details, as one document of docs/schema/error.schema.json, so that
     * stdout always holds one document. None when the command printed its own (a summary listing failures).
     */
    private static int answerWithFailure(CommandLine cli, boolean json, ExitCode code, String message, List<String> details) {
        if (json && (top(cli) == null || !top(cli).hasAnswered())) {
            Output.printJson(cli.getOut(), new FailureDocument(code.outcome(), code.code(), message, details));
        }
        return code.code();
    }

    /** The document of a failed run (docs/schema/error.schema.json). */
    record FailureDocument(String outcome, int exitCode, String error, List<String> details) {
    }

    private record Known(ExitCode code, String message, boolean bug) {
        Known(ExitCode code, String message) {
            this(code, message, false);
        }
    }

    /** What an exception no command translated means to an operator: file and connection failures, or a bug. */
    private static Known explain(Throwable ex) {
        if (ex instanceof UncheckedIOException u && u.getMessage() != null && !u.getMessage().equals(u.getCause().toString())) {
            // our own wrapper's sentence ("cannot write FILE: reason") says more than its cause
            return new Known(ExitCode.FAILED, CachectlException.withoutJavaNames(u.getMessage()));
        }
        IOException io = ex instanceof UncheckedIOException u ? u.getCause() : ex instanceof IOException i ? i : null;
        if (io != null) {
            return new Known(ExitCode.FAILED, fileProblem(io));
        }
        if (ex instanceof JedisConnectionException lost) {
            return new Known(ExitCode.DOWN, "lost the connection to a Redis server: "
                    + CachectlException.withoutJavaNames(RedisClients.connectionProblem(lost)));
        }
        if (ex instanceof JedisException) {
            return new Known(ExitCode.FAILED, "a Redis server refused a command: " + operatorText(ex));
        }
        String detail = operatorText(ex);
        return new Known(ExitCode.FAILED, "unexpected error, a bug in cachectl" + (detail.isEmpty() ? "" : " (" + detail + ")")
                + ": run again with --verbose and report the stack trace", true);
    }

    private static String fileProblem(IOException io) {
        if (io instanceof NoSuchFileException f) {
            return "no such file or folder: " + f.getFile();
        }
        if (io instanceof AccessDeniedException f) {
            return "permission denied: " + f.getFile();
        }
        if (io instanceof FileSystemException f && f.getFile() != null) {
            String reason = f.getReason() == null ? "cannot be used" : f.getReason();
            return f.getFile() + ": " + reason;
        }
        String detail = operatorText(io);
        return "a file or connection failed" + (detail.isEmpty() ? "" : ": " + detail);
    }

    /**
     * An exception's message without Java names: the first line of the deepest message, with fully
     * qualified names and exception class names taken out (empty when nothing readable is left).
     */
    private static String operatorText(Throwable ex) {
        String message = null;
        for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            }
        }
        if (message == null) {
            return "";
        }
        return CachectlException.withoutJavaNames(message);
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cli = ex.getCommandLine();
        PrintWriter err = cli.getErr();
        String message;
        List<String> details = new ArrayList<>();
        if (ex instanceof UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
            String arg = unmatched.getUnmatched().get(0);
            boolean option = arg.startsWith("-") && arg.length() > 1;
            boolean command = !option && !cli.getSubcommands().isEmpty();
            String what = option ? "unknown option" : command ? "unknown command" : "unexpected argument";
            message = what + " '" + arg + "'";
            List<String> near = option ? Suggestions.near(arg.replaceFirst("=.*", ""), Suggestions.optionNames(cli))
                    : command ? Suggestions.near(arg, Suggestions.commandNames(cli)) : List.of();
            if (!near.isEmpty()) {
                details.add("Did you mean " + String.join(" or ", near.stream().map(s -> "'" + s + "'").toList()) + "?");
            }
        } else {
            message = ex.getMessage();
        }
        details.add("Try '" + cli.getCommandSpec().qualifiedName() + " --help'.");
        err.println(red(cli, "cachectl: " + message));
        details.forEach(d -> err.println("  " + d));
        // the options were not all parsed: --json is looked for among the arguments (before a '--')
        return answerWithFailure(cli, asksForJson(args), ExitCode.USAGE, message, details);
    }

    private static boolean asksForJson(String[] args) {
        for (String arg : args) {
            if (arg.equals("--")) {
                return false;
            }
            if (arg.equals("--json")) {
                return true;
            }
        }
        return false;
    }

    private static boolean isVerbose(CommandLine cli) {
        return top(cli) != null && top(cli).verbose();
    }

    private static boolean isJson(CommandLine cli) {
        return top(cli) != null && top(cli).json();
    }

    /** The root command of the run, null outside cachectl's own tree. */
    private static CachectlCommand top(CommandLine cli) {
        CommandLine root = cli;
        while (root.getParent() != null) {
            root = root.getParent();
        }
        return root.getCommand() instanceof CachectlCommand top ? top : null;
    }

    /** In red where stderr shows colour (whatever stdout is); in cli's colours outside cachectl's own tree. */
    private static String red(CommandLine cli, String text) {
        CommandLine.Help.ColorScheme colours = top(cli) == null ? cli.getColorScheme() : top(cli).errorColours();
        return colours.errorText(text).toString();
    }
}
