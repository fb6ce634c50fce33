package dev.cachectl.cli;

import dev.cachectl.CachectlException;
import dev.cachectl.Environment;
import dev.cachectl.ExitCode;
import dev.cachectl.config.Config;
import dev.cachectl.lifecycle.Home;
import dev.cachectl.lifecycle.InstanceCatalog;
import dev.cachectl.lifecycle.Lifecycle;
import dev.cachectl.lifecycle.StateStore;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code cachectl}: the global options every subcommand inherits, and the context built from them. */
@Command(name = "cachectl",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Start, stop, inspect, warm, copy and benchmark local and remote caches (Redis, MongoDB).",
        footerHeading = "%nEnvironment:%n",
        footer = {
                "  CACHECTL_HOME      home folder for managed instances (default ~/.cachectl)",
                "  CACHECTL_CONFIG    config file when --config is absent (default ./cachectl.yaml)",
                "  REDIS_URL          URL of the instance named 'default'",
                "  REDIS_<NAME>_URL   URL of instance NAME (e.g. REDIS_PRIMARY_URL for 'primary')",
                "  CACHECTL_EXTERNAL_ONLY  1: launch no server, every instance needs a URL",
                "  DOCKER_ENV         set to anything: the same as CACHECTL_EXTERNAL_ONLY=1",
                "  NO_COLOR           no colour in output when set and not empty (also: TERM=dumb)",
                "  CLICOLOR_FORCE     colour even when output is not a terminal"
        })
public final class CachectlCommand implements Runnable {

    /**
     * The subcommands, in the order help lists them. Not in the annotation: picocli would build the
     * model of every one of them (reflection over all their options) on every run, a large share of
     * a {@code status}; the front door adds only the one a run needs (see {@code Cachectl.commandLine}).
     */
    public static final List<String> SUBCOMMANDS = List.of("start", "stop", "status", "run", "warm", "cron", "migrate",
            "rebalance", "bench", "completion", "supervise", "shell", "help");

    /**
     * A new object of subcommand {@code name}, one of {@link #SUBCOMMANDS}. A switch, not a map of constructor
     * references: linking thirteen of those, and loading the class of every command, took 4-5 ms of each run's start.
     */
    public static Object newSubcommand(String name) {
        return switch (name) {
            case "start" -> new StartCommand();
            case "stop" -> new StopCommand();
            case "status" -> new StatusCommand();
            case "run" -> new RunCommand();
            case "warm" -> new WarmCommand();
            case "cron" -> new CronCommand();
            case "migrate" -> new MigrateCommand();
            case "rebalance" -> new RebalanceCommand();
            case "bench" -> new BenchCommand();
            case "completion" -> new CompletionCommand();
            case "supervise" -> new SuperviseCommand();
            case "shell" -> new ShellCommand();
            case "help" -> new picocli.CommandLine.HelpCommand();
            default -> throw new IllegalArgumentException("no subcommand " + name);
        };
    }

    /**
     * The picocli model of {@code command} (this root, or a subcommand that {@link #newSubcommand} made), built
     * without reading its annotations: see {@code ModelTable}.
     */
    public static CommandSpec model(Object command, CachectlCommand root) {
        return ModelTable.of(command, root);
    }

    /** Lower-case constants, because help and completion show them as they are typed. */
    public enum Progress { auto, bar, log, none }

    private final Environment environment;

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "Config file (default: $CACHECTL_CONFIG, else ./cachectl.yaml when present).")
    Path configFile;

    @Option(names = "--home", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "Home of managed instances (default: $CACHECTL_HOME, else ~/.cachectl).")
    Path homeDir;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "Print the result as one JSON document on stdout.")
    boolean json;

    @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT, description = "Print only the answer and errors.")
    boolean quiet;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT, description = "Print stack traces and extra detail on stderr.")
    boolean verbose;

    @Option(names = "--no-color", scope = ScopeType.INHERIT, description = "No colour (also: NO_COLOR set to anything, or TERM=dumb).")
    boolean noColor;

    @Option(names = "--progress", paramLabel = "MODE", scope = ScopeType.INHERIT, defaultValue = "auto",
            description = "Progress of long jobs on stderr: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}: a bar on a terminal, log lines otherwise).")
    Progress progress;

    private Context context;
    private boolean answered;
    private final Terminal terminal;
    private CommandLine.Help.ColorScheme errorColours;
    private final dev.cachectl.Cancellation cancellation;

    public CachectlCommand(Environment environment) {
        this(environment, Terminal.detect(environment, new String[0]));
    }

    /** With what this run's arguments ({@code --no-color}) and environment say the terminal may show. */
    public CachectlCommand(Environment environment, Terminal terminal) {
        this.environment = environment;
        this.terminal = terminal;
        this.cancellation = new dev.cachectl.Cancellation(environment.signals());
    }

    /** For picocli's completion generator, which instantiates the class reflectively. */
    public CachectlCommand() {
        this(Environment.system());
    }

    @Override
    public void run() {
        if (json) {
            // one JSON document on stdout, and no command is a usage error: the error document, not the help text
            throw CachectlException.usage("no command given: 'cachectl --help' lists them");
        }
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public boolean verbose() {
        return verbose;
    }

    /**
     * How a long job shows progress on stderr, from {@code --progress}: {@code auto} is a bar on a
     * terminal that can redraw a line (not {@code TERM=dumb}) and log lines otherwise (JSON
     * objects with {@code --json}); {@code --quiet} means none. The bar follows whether stderr is a terminal,
     * whatever stdout is.
     */
    dev.cachectl.progress.ProgressListener progressListener(java.io.PrintWriter err) {
        Progress mode = quiet ? Progress.none : progress;
        if (mode == Progress.auto) {
            mode = terminal.bar() ? Progress.bar : Progress.log;
        }
        return switch (mode) {
            case bar -> dev.cachectl.progress.ProgressMeter.bar(err);
            case log -> json ? dev.cachectl.progress.ProgressMeter.jsonLog(err, java.time.Duration.ofSeconds(5))
                    : dev.cachectl.progress.ProgressMeter.log(err, java.time.Duration.ofSeconds(5));
            default -> dev.cachectl.progress.ProgressListener.none();
        };
    }

    boolean json() {
        return json;
    }

    /** The colours of what goes to stderr (errors, warnings, notes): on when stderr is a terminal, whatever stdout is. */
    CommandLine.Help.ColorScheme errorColours() {
        if (errorColours == null) {
            errorColours = CommandLine.Help.defaultColorScheme(terminal.errorColour() ? CommandLine.Help.Ansi.ON : CommandLine.Help.Ansi.OFF);
        }
        return errorColours;
    }

    /** Notes that the command printed its answer (a JSON document): a failure after it prints none of its own. */
    void answered() {
        answered = true;
    }

    /** Whether the command printed its JSON document. */
    boolean hasAnswered() {
        return answered;
    }

    boolean quiet() {
        return quiet;
    }

    Environment environment() {
        return environment;
    }

    /** This run's token: long jobs register on it what stops them (Ctrl-C, SIGTERM, the shell's Ctrl-C). */
    dev.cachectl.Cancellation cancellation() {
        return cancellation;
    }

    /** Config, home and services, built once per run from the global options. */
    Context context() {
        if (context == null) {
            Config config = Config.load(configFile, environment.variables(), environment.workingDir());
            Lifecycle lifecycle = lifecycle();
            context = new Context(environment, config, lifecycle.states().home(), lifecycle.states(),
                    new InstanceCatalog(config, environment.variables(), lifecycle.states()), lifecycle);
        }
        return context;
    }

    /**
     * The instances as the config file says now, read again: a long watch follows edits of the file. Throws
     * {@link CachectlException} as the first read would (a file that is half written, say).
     */
    InstanceCatalog catalogNow() {
        Context ctx = context();
        Config config = Config.load(configFile, environment.variables(), environment.workingDir());
        return new InstanceCatalog(config, environment.variables(), ctx.states());
    }

    /**
     * The lifecycle of this home alone, without reading any config file: what the idle supervisor
     * needs, which must keep working when the config it was started next to changes or disappears.
     */
    Lifecycle lifecycle() {
        Home home = Home.resolve(homeDir == null ? null : environment.workingDir().resolve(homeDir), environment.variables());
        return new Lifecycle(new StateStore(home), environment.variables(), cancellation);
    }

    /** The exit-code table of every command's help, from {@link ExitCode}. */
    public static Map<String, String> exitCodeHelp() {
        Map<String, String> codes = new LinkedHashMap<>();
        for (ExitCode c : ExitCode.values()) {
            String code = Integer.toString(c.code());
            // padded by hand: String.format would load the locale machinery on every run
            codes.put(" ".repeat(5 - code.length()) + code, c.meaning());
        }
        return codes;
    }

    record Context(Environment environment, Config config, Home home, StateStore states, InstanceCatalog catalog,
                   Lifecycle lifecycle) {
    }
}
