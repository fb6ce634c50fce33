package dev.cachectl.cli;

import dev.cachectl.CachectlException;
import dev.cachectl.Cachectl;
import dev.cachectl.Environment;
import dev.cachectl.ExitCode;
import dev.cachectl.config.Config;
import dev.cachectl.lifecycle.InstanceCatalog;
import dev.cachectl.lifecycle.StateStore;
import dev.cachectl.shell.GlobalOptions;
import dev.cachectl.shell.Shell;
import dev.cachectl.shell.ShellCompleter;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.terminal.impl.ExternalTerminal;
import org.jline.utils.WriterOutputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/** {@code cachectl shell}: many commands in one JVM, typed with completion or read from stdin. */
@Command(name = "shell", mixinStandardHelpOptions = true,
        description = {"Run cachectl commands one per line in one process: on a terminal with Tab completion "
                + "(commands, options, instance, job, group and category names), history in HOME/history, "
                + "Ctrl-C to stop the running command and Ctrl-D or 'exit' to leave.",
                "Without a terminal (cachectl shell < script.txt) the lines run in order and the first that fails "
                        + "ends the shell with its exit code.",
                "Global options given here (--home, --config, --json...) apply to every line that does not give them itself."})
public final class ShellCommand implements Callable<Integer> {

    @ParentCommand
    CachectlCommand top;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Environment env = top.environment();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Shell shell = new Shell(env, globals(), top.lifecycle().states().home(), out, err);
        if (!env.terminal()) {
            return shell.script(new BufferedReader(new InputStreamReader(env.stdin(), StandardCharsets.UTF_8)));
        }
        ShellCompleter completer = new ShellCompleter(Cachectl.commandLine(env, Ansi.OFF), this::names);
        try (Terminal terminal = terminal(env, out)) {
            return shell.interactive(terminal, completer);
        }
    }

    /** The process's own terminal; or, for a run whose stdin is not the process's, one over that stdin and {@code out}. */
    private static Terminal terminal(Environment env, PrintWriter out) throws IOException {
        try {
            if (env.stdin() == System.in) {
                return TerminalBuilder.builder().system(true).build();
            }
            String type = env.get("TERM") == null ? "xterm" : env.get("TERM");
            // its own line discipline, in this JVM (a builder would put a pty between, whose Ctrl-C signals no one)
            Terminal terminal = new ExternalTerminal("cachectl", type, env.stdin(),
                    new WriterOutputStream(out, StandardCharsets.UTF_8), StandardCharsets.UTF_8);
            terminal.setSize(new Size(size(env.get("COLUMNS"), 120), size(env.get("LINES"), 40)));
            return terminal;
        } catch (IOException | RuntimeException e) {
            throw new CachectlException(ExitCode.FAILED, "cannot read commands on this terminal (" + e.getMessage()
                    + "); 'cachectl shell < FILE' runs a script instead");
        }
    }

    private static int size(String value, int otherwise) {
        try {
            return value == null ? otherwise : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    /** The global options this shell was given, as typed, from the root's parse and this command's (inherited). */
    private GlobalOptions globals() {
        List<GlobalOptions.Given> given = new ArrayList<>();
        for (ParseResult result = spec.root().commandLine().getParseResult(); result != null; result = result.subcommand()) {
            for (OptionSpec option : result.matchedOptions()) {
                if (option.scopeType() != ScopeType.INHERIT) {
                    continue;
                }
                List<String> tokens = new ArrayList<>();
                if (option.arity().max() == 0) {
                    tokens.add(option.longestName());
                } else {
                    option.originalStringValues().forEach(value -> tokens.addAll(List.of(option.longestName(), value)));
                }
                given.add(new GlobalOptions.Given(Set.of(option.names()), tokens));
            }
        }
        return new GlobalOptions(given);
    }

    /** What Tab offers: read at each press, nothing when the config cannot be read (the command will say why). */
    private ShellCompleter.Names names() {
        try {
            Environment env = top.environment();
            Config config = Config.load(top.configFile, env.variables(), env.workingDir());
            StateStore states = top.lifecycle().states();
            return new ShellCompleter.Names(new InstanceCatalog(config, env.variables(), states).knownNames(),
                    new ArrayList<>(new TreeSet<>(config.jobs().keySet())), new ArrayList<>(new TreeSet<>(config.groups().keySet())),
                    new ArrayList<>(new TreeSet<>(config.categories().keySet())));
        } catch (RuntimeException e) {
            return ShellCompleter.Names.none();
        }
    }
}
