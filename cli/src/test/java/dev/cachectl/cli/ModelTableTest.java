package dev.cachectl.cli;

import dev.cachectl.Cachectl;
import dev.cachectl.Environment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The model a run parses with ({@code ModelTable}, no annotation read) is the one the annotations describe, which
 * help shows: the same arguments with the same attributes, bound to the same fields, and the same result of parsing.
 */
@Timeout(120)
class ModelTableTest {
    private static final Environment ENV = new Environment(Map.of(), Path.of(""));

    @Test
    void the_table_is_what_the_annotations_make() throws Exception {
        String generated = ModelTableSource.generate();
        if (Boolean.getBoolean("cachectl.regenerate")) {
            Files.writeString(ModelTableSource.FILE, generated);
        }
        assertEquals(generated, Files.readString(ModelTableSource.FILE),
                "ModelTable.java is not what the annotations make: run 'mvn test -Dtest=ModelTableTest -Dcachectl.regenerate=true' in cli/");
    }

    @Test
    void a_run_that_shows_no_help_parses_with_the_table_and_help_reads_the_annotations() {
        CommandLine run = Cachectl.commandLine(ENV, Ansi.OFF, "status", "cache");
        CommandLine help = Cachectl.commandLine(ENV, Ansi.OFF, "status", "--help");
        assertFalse(run.getSubcommands().get("status").getCommandSpec().mixins().containsKey("mixinStandardHelpOptions"),
                "the table adds -h and -V as options of its own");
        assertTrue(help.getSubcommands().get("status").getCommandSpec().mixins().containsKey("mixinStandardHelpOptions"));
        assertEquals(List.of("status"), List.copyOf(run.getSubcommands().keySet()));
    }

    @Test
    void every_command_has_the_same_arguments_in_both_models() {
        for (String name : CachectlCommand.SUBCOMMANDS) {
            if (name.equals("help")) {
                continue;
            }
            CommandSpec table = Cachectl.commandLine(ENV, Ansi.OFF, name).getSubcommands().get(name).getCommandSpec();
            CommandSpec annotated = Cachectl.commandLine(ENV, Ansi.OFF, name, "--help").getSubcommands().get(name).getCommandSpec();
            assertEquals(describe(annotated), describe(table), name);
            assertEquals(describe(annotated.root()), describe(table.root()), "the root, with " + name);
        }
    }

    @Test
    void command_lines_parse_to_the_same_fields_or_the_same_error() {
        List<List<String>> lines = List.of(
                List.of("status"),
                List.of("--json", "status", "a", "b", "--interval", "2s", "--analyze", "--sample", "5", "--top", "3"),
                List.of("status", "--watch", "--serve", "127.0.0.1:9121", "-q", "--progress", "LOG"),
                List.of("status", "--interval", "soon"),
                List.of("status", "--no-such-option"),
                List.of("start", "a", "--port", "auto", "--maxmemory", "64mb", "--password", "x", "--idle-timeout", "10m"),
                List.of("start", "a", "--password", "x", "--generate-password"),
                List.of("start", "a", "--generate-password", "--tls", "--persist", "--home", "/tmp/h"),
                List.of("start", "--maxmemory", "lots"),
                List.of("stop", "a", "b", "--timeout", "5s", "--save"),
                List.of("stop", "--all", "--purge"),
                List.of("stop", "a", "--all"),
                List.of("stop"),
                List.of("run", "--with", "a,b", "--warm", "j", "--", "sh", "-c", "true"),
                List.of("run", "--with", "a"),
                List.of("warm", "f.jsonl", "--to", "c", "--key", "k:{id}", "--as", "HASH", "--batch", "100", "--dry-run", "--ttl", "1h"),
                List.of("warm", "--job", "j", "--threads", "2", "--rate", "10", "--max-errors", "3", "--nx", "--top", "5"),
                List.of("warm", "f", "--batch", "many"),
                List.of("cron", "--install", "--dry-run"),
                List.of("cron", "--install", "--remove"),
                List.of("cron", "--crontab", "crontab -u x", "--launcher", "/opt/c"),
                List.of("migrate", "a", "b", "--match", "x*", "--match", "y*", "--type", "hash,set", "--db", "0,1",
                        "--mode", "dump", "--big-key-size", "1mb", "--verify", "quick", "--timeout", "3s", "--batch", "50"),
                List.of("migrate", "a"),
                List.of("migrate", "a", "b", "--live", "--until", "caught-up", "--settle", "2s", "--cutover", "--delete-source"),
                List.of("rebalance", "g", "--plan", "--weight", "a=2", "--drain", "b", "--by", "slots", "--rate", "1mb", "--show"),
                List.of("rebalance", "g", "--env", "--tolerance", "10%", "--samples", "4"),
                List.of("bench", "c", "--no-preload"),
                List.of("bench", "c", "--preload"),
                List.of("completion"),
                List.of("supervise"),
                List.of("shell"),
                List.of("status", "-qv", "--no-color", "--config", "c.yaml"));
        for (List<String> line : lines) {
            String[] args = line.toArray(String[]::new);
            assertEquals(parse(Cachectl.commandLine(ENV, Ansi.OFF, withHelpModel(args)), args),
                    parse(Cachectl.commandLine(ENV, Ansi.OFF, args), args), String.join(" ", line));
        }
    }

    /** The same arguments, with {@code --help} after a {@code --} that keeps it from being parsed: the annotated model. */
    private static String[] withHelpModel(String[] args) {
        String[] model = Arrays.copyOf(args, args.length + 1);
        model[args.length] = "--help";
        return model;
    }

    /** What parsing leaves: every field of the command objects (groups and mixins included), or the error. */
    private static String parse(CommandLine cli, String[] args) {
        try {
            CommandLine.ParseResult result = cli.parseArgs(args);
            StringBuilder fields = new StringBuilder();
            for (CommandLine.ParseResult r = result; r != null; r = r.subcommand()) {
                dump(r.commandSpec().userObject(), fields, new IdentityHashMap<>(), 0);
                fields.append(" matched=").append(r.matchedArgs().stream().map(ModelTableTest::key).toList()).append('\n');
            }
            return fields.toString();
        } catch (CommandLine.ParameterException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    private static String key(ArgSpec arg) {
        return arg.isOption() ? ((OptionSpec) arg).longestName() : "param" + ((PositionalParamSpec) arg).index();
    }

    private static void dump(Object o, StringBuilder out, IdentityHashMap<Object, Boolean> seen, int depth) {
        if (o == null || seen.put(o, true) != null || depth > 2) {
            return;
        }
        out.append(o.getClass().getSimpleName()).append('{');
        for (Field f : o.getClass().getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) || f.getType().getName().startsWith("picocli.")
                    || f.getType().getName().startsWith("dev.cachectl.") && !f.getType().getName().startsWith("dev.cachectl.cli.")
                    && !f.getType().isEnum() || f.getType() == CachectlCommand.class) {
                continue;
            }
            f.setAccessible(true);
            Object v;
            try {
                v = f.get(o);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
            out.append(f.getName()).append('=');
            if (v != null && v.getClass().getName().startsWith("dev.cachectl.cli.") && !v.getClass().isEnum()) {
                dump(v, out, seen, depth + 1);
            } else {
                out.append(v);
            }
            out.append(' ');
        }
        out.append('}');
    }

    /** Everything of a command's model that parsing depends on, one line per argument. */
    private static String describe(CommandSpec spec) {
        StringBuilder s = new StringBuilder();
        s.append("command ").append(spec.name()).append(" aliases=").append(Arrays.toString(spec.aliases()))
                .append(" hidden=").append(spec.usageMessage().hidden())
                .append(" version=").append(spec.versionProvider() == null ? null : spec.versionProvider().getClass())
                .append(" exit=").append(spec.exitCodeOnSuccess()).append(spec.exitCodeOnInvalidInput())
                .append(spec.exitCodeOnExecutionException()).append(spec.exitCodeOnUsageHelp()).append(spec.exitCodeOnVersionHelp())
                .append(" interpolate=").append(spec.interpolateVariables())
                .append(" parser=").append(spec.parser().separator()).append(spec.parser().caseInsensitiveEnumValuesAllowed())
                .append(spec.parser().posixClusteredShortOptionsAllowed()).append(spec.parser().unmatchedArgumentsAllowed())
                .append(spec.parser().expandAtFiles()).append(spec.parser().stopAtPositional())
                .append(" subcommands=").append(spec.subcommands().keySet()).append('\n');
        Map<String, String> groups = new TreeMap<>();
        List<ArgGroupSpec> groupOrder = new ArrayList<>();
        for (ArgSpec arg : spec.args()) {
            if (arg.group() != null && !groupOrder.contains(arg.group())) {
                groupOrder.add(arg.group());
            }
        }
        for (ArgGroupSpec g : groupOrder) {
            groups.put("group" + groupOrder.indexOf(g), "exclusive=" + g.exclusive() + " multiplicity=" + g.multiplicity()
                    + " validate=" + g.validate() + " type=" + g.typeInfo().getType().getName() + " synopsis=" + g.synopsis()
                    + " args=" + g.args().stream().map(ModelTableTest::key).toList());
        }
        s.append(groups).append('\n');
        for (ArgSpec arg : spec.args()) {
            s.append(arg.isOption() ? "option " + Arrays.toString(((OptionSpec) arg).names())
                            : "positional " + ((PositionalParamSpec) arg).index())
                    .append(" field=").append(arg.isOption() && (((OptionSpec) arg).usageHelp() || ((OptionSpec) arg).versionHelp()) ? "help"
                            : arg.userObject() instanceof Field f ? f.getDeclaringClass().getName() + "." + f.getName() : arg.userObject())
                    .append(" label=").append(arg.paramLabel()).append(" hideParamSyntax=").append(arg.hideParamSyntax())
                    .append(" arity=").append(arg.arity()).append(arg.arity().isUnspecified() ? "(unspecified)" : "")
                    .append(" type=").append(arg.type().getName()).append(" aux=").append(Arrays.toString(arg.auxiliaryTypes()))
                    .append(" required=").append(arg.required()).append(" default=").append(arg.defaultValue())
                    .append(" split=").append(arg.splitRegex()).append(" scope=").append(arg.scopeType())
                    .append(" inherited=").append(arg.inherited()).append(" hidden=").append(arg.hidden())
                    .append(" converters=").append(Arrays.stream(arg.converters()).map(c -> c.getClass().getName()).toList())
                    .append(" group=").append(arg.group() == null ? null : "group" + groupOrder.indexOf(arg.group()))
                    .append(" initial=").append(arg.hasInitialValue() && arg.group() == null ? String.valueOf(arg.initialValue()) : "-");
            if (arg.isOption()) {
                OptionSpec o = (OptionSpec) arg;
                s.append(" negatable=").append(o.negatable()).append(" fallback=").append(o.fallbackValue())
                        .append(" usageHelp=").append(o.usageHelp()).append(" versionHelp=").append(o.versionHelp())
                        .append(" interactive=").append(o.interactive());
            }
            s.append('\n');
        }
        return s.toString();
    }
}
