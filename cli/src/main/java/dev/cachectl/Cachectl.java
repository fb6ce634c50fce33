package dev.cachectl;

import dev.cachectl.cli.CachectlCommand;
import dev.cachectl.cli.ErrorHandler;
import dev.cachectl.cli.Converters;
import dev.cachectl.cli.HelpLayout;
import dev.cachectl.cli.Signals;
import dev.cachectl.cli.Terminal;
import dev.cachectl.cli.VersionProvider;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;

import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** The front door: {@code main} and every test run commands through {@link #run}. */
public final class Cachectl {

    static {
        // picocli's default factory looks up Groovy's Closure class when it is first used: a lookup that no
        // class-data archive answers, so it opens the jar (10,000 entries) and reads its index, 8-12 ms of a
        // status; we have no Groovy closures to instantiate
        System.setProperty("picocli.disable.closures", "true");
    }

    private Cachectl() {
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.err), StandardCharsets.UTF_8), true);
        // the one place a signal may end the process at once (a second Ctrl-C, see Signals)
        int code = run(out, err, Environment.system().withSignals(Signals.of(err, System::exit)), args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return run(out, err, Environment.system(), args);
    }

    public static int run(PrintWriter out, PrintWriter err, Environment env, String... args) {
        CommandLine cli = commandLine(env, Terminal.detect(env, args).colour() ? Ansi.ON : Ansi.OFF, args);
        cli.setOut(out);
        cli.setErr(err);
        try {
            return cli.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /**
     * The configured command tree for these arguments: the root with the one subcommand they name,
     * or with all of them when help, completion or an unknown name needs the whole tree.
     */
    public static CommandLine commandLine(Environment env, Ansi ansi, String... args) {
        CachectlCommand root = new CachectlCommand(env, Terminal.detect(env, args));
        String wanted = subcommandName(args);
        boolean all = wanted == null || !CachectlCommand.SUBCOMMANDS.contains(wanted)
                || wanted.equals("help") || wanted.equals("completion");
        boolean help = asksForHelp(args) || (wanted == null ? !asksForVersion(args) : wanted.equals("help"));
        CommandLine cli;
        if (all || help) {
            // help, completion and man pages show what the annotations say: descriptions, candidates, defaults
            CommandLine annotated = new CommandLine(root);
            for (String name : CachectlCommand.SUBCOMMANDS) {
                if (all || name.equals(wanted)) {
                    annotated.addSubcommand(name, CachectlCommand.newSubcommand(name));
                }
            }
            cli = annotated;
        } else {
            // a run that shows no help parses with the model built from the table, without reading an annotation
            cli = new CommandLine(CachectlCommand.model(root, root));
            cli.addSubcommand(wanted, new CommandLine(CachectlCommand.model(CachectlCommand.newSubcommand(wanted), root)));
        }
        // converters and parser settings reach only the subcommands present when they are set
        Converters.register(cli);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setColorScheme(CommandLine.Help.defaultColorScheme(ansi));
        applyExitCodeHelp(cli);
        if (help) {
            // only where help may be shown: the layout's classes subclass picocli's help classes, which are
            // compiled for Java 5, and a run that loads them cannot take those from the class-data archive
            HelpLayout.apply(cli, env);
        }
        cli.setExecutionStrategy(VersionProvider::execute);
        ErrorHandler handler = new ErrorHandler();
        cli.setExecutionExceptionHandler(handler);
        cli.setParameterExceptionHandler(handler);
        return cli;
    }

    /** The first argument that is not a global option or its value: the subcommand's name, if any. */
    static String subcommandName(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--")) {
                return null;
            }
            if (arg.equals("--config") || arg.equals("--home") || arg.equals("--progress")) {
                i++;
            } else if (!arg.startsWith("-")) {
                return arg;
            }
        }
        return null;
    }

    /** Whether the arguments may ask for a command's help: {@code -h} or {@code --help}, alone or in a cluster ({@code -vh}). */
    static boolean asksForHelp(String[] args) {
        for (String arg : args) {
            if (arg.equals("--")) {
                return false;
            }
            if (arg.equals("--help") || arg.startsWith("-") && !arg.startsWith("--") && arg.indexOf('h') > 0) {
                return true;
            }
        }
        return false;
    }

    private static boolean asksForVersion(String[] args) {
        return java.util.Arrays.asList(args).contains("--version") || java.util.Arrays.asList(args).contains("-V");
    }

    private static void applyExitCodeHelp(CommandLine cli) {
        cli.getCommandSpec().usageMessage()
                .exitCodeListHeading("%nExit codes:%n")
                .exitCodeList(CachectlCommand.exitCodeHelp());
        cli.getSubcommands().values().forEach(Cachectl::applyExitCodeHelp);
    }
}
