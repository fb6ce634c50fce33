package dev.cachectl.cli;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

import java.io.PrintWriter;
import java.io.UncheckedIOException;

/**
 * Maps every failure to one red line on stderr and an exit code from {@link ExitCode}. Known causes
 * carry their code; anything else is a bug or an I/O failure: exit 1, and the stack trace only with
 * {@code --verbose}.
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
            return known.exitCode().code();
        }
        String message = ex instanceof UncheckedIOException io ? io.getMessage() : ex.toString();
        err.println(red(cli, "cachectl: " + firstLine(message)));
        if (verbose) {
            ex.printStackTrace(err);
        } else {
            err.println("  (run again with --verbose for the stack trace)");
        }
        return ExitCode.FAILED.code();
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cli = ex.getCommandLine();
        PrintWriter err = cli.getErr();
        err.println(red(cli, "cachectl: " + ex.getMessage()));
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("  Try '" + cli.getCommandSpec().qualifiedName() + " --help'.");
        return ExitCode.USAGE.code();
    }

    private static boolean isVerbose(CommandLine cli) {
        CommandLine root = cli;
        while (root.getParent() != null) {
            root = root.getParent();
        }
        return root.getCommand() instanceof CachectlCommand top && top.verbose();
    }

    private static String red(CommandLine cli, String text) {
        return cli.getColorScheme().errorText(text).toString();
    }

    private static String firstLine(String s) {
        return s == null ? "unknown error" : s.lines().findFirst().orElse(s);
    }
}
