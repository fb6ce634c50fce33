package dev.cachectl.shell;

import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.shell.jline3.PicocliJLineCompleter;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Tab in the shell: commands, options and option values from the picocli model, and the names this
 * home and config know where a command takes one (instances, warm jobs, groups, categories); the next item of a
 * comma-separated list ({@code --with a,b}), the command of {@code help}, and a line that starts with
 * {@code cachectl} (pasted from a script) as the shell runs it.
 */
public final class ShellCompleter implements Completer {

    /** The names the shell can offer, read again at each Tab (the config may have changed). */
    public record Names(List<String> instances, List<String> jobs, List<String> groups, List<String> categories) {
        public static Names none() {
            return new Names(List.of(), List.of(), List.of(), List.of());
        }
    }

    private enum Kind { INSTANCE, INSTANCE_OR_GROUP, JOB, CATEGORY }

    /** Commands whose positional parameters name instances (or a group). */
    private static final Map<String, Kind> POSITIONAL = Map.of("start", Kind.INSTANCE, "stop", Kind.INSTANCE,
            "status", Kind.INSTANCE, "migrate", Kind.INSTANCE, "bench", Kind.INSTANCE, "rebalance", Kind.INSTANCE_OR_GROUP);

    /** Options whose value is a name, by command. */
    private static final Map<String, Kind> OPTION_VALUE = Map.of("run --with", Kind.INSTANCE, "warm --to", Kind.INSTANCE,
            "warm --job", Kind.JOB, "warm --category", Kind.CATEGORY);

    private final CommandSpec root;
    private final Completer model;
    private final Supplier<Names> names;

    public ShellCompleter(CommandLine tree, Supplier<Names> names) {
        this.root = tree.getCommandSpec();
        this.model = new PicocliJLineCompleter(root);
        this.names = names;
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        if (line.wordIndex() > 0 && line.words().get(0).equals("cachectl")) {
            // a line pasted from a script: the shell runs it without its first word, and completes it so
            line = new WithoutFirstWord(line);
        }
        List<String> before = line.words().subList(0, line.wordIndex());
        String command = command(before);
        if ("help".equals(command) && before.size() == 1) {
            // help CMD: the commands, which the model does not offer as help's value
            root.subcommands().keySet().stream().filter(name -> !name.equals("help"))
                    .forEach(name -> candidates.add(new Candidate(name)));
            return;
        }
        String previous = before.isEmpty() ? null : before.get(before.size() - 1);
        OptionSpec option = previous == null ? null : valueOption(command, previous);
        if (option != null && ",".equals(option.splitRegex()) && line.word().contains(",")) {
            // the next item of a comma-separated list (--with a,b): each candidate is the whole word so far plus one
            String done = line.word().substring(0, line.word().lastIndexOf(',') + 1);
            // a name already in the list is not offered again (--with a,a names a twice)
            java.util.Set<String> listed = java.util.Set.of(done.split(","));
            Kind kind = OPTION_VALUE.get(command + " " + previous);
            Iterable<String> values = kind != null ? names(kind) : option.completionCandidates();
            if (values != null) {
                values.forEach(value -> {
                    if (!listed.contains(value)) {
                        candidates.add(new Candidate(done + value, value, null, null, null, null, false));
                    }
                });
            }
            return;
        }
        model.complete(reader, line, candidates);
        if (command == null && !line.word().startsWith("-")) {
            candidates.add(new Candidate("exit", "exit", null, "leave the shell", null, null, true));
            return;
        }
        Kind kind;
        if (option != null) {
            kind = OPTION_VALUE.get(command + " " + previous);
        } else {
            kind = line.word().startsWith("-") ? null : POSITIONAL.get(command);
        }
        if (kind != null) {
            names(kind).forEach(name -> candidates.add(new Candidate(name)));
        }
    }

    /** A line as the shell runs it when its first word is {@code cachectl}: without that word. */
    private record WithoutFirstWord(ParsedLine pasted) implements ParsedLine {
        @Override
        public String word() {
            return pasted.word();
        }

        @Override
        public int wordCursor() {
            return pasted.wordCursor();
        }

        @Override
        public int wordIndex() {
            return pasted.wordIndex() - 1;
        }

        @Override
        public List<String> words() {
            return pasted.words().subList(1, pasted.words().size());
        }

        @Override
        public String line() {
            return String.join(" ", words());
        }

        @Override
        public int cursor() {
            int cursor = 0;
            for (int i = 0; i < wordIndex(); i++) {
                cursor += words().get(i).length() + 1;
            }
            return cursor + wordCursor();
        }
    }

    private List<String> names(Kind kind) {
        Names known = names.get();
        return switch (kind) {
            case INSTANCE -> known.instances();
            case INSTANCE_OR_GROUP -> java.util.stream.Stream.concat(known.instances().stream(), known.groups().stream()).toList();
            case JOB -> known.jobs();
            case CATEGORY -> known.categories();
        };
    }

    /** The subcommand the words name: the first that is neither an option nor an option's value. */
    private String command(List<String> words) {
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            if (!word.startsWith("-")) {
                return root.subcommands().containsKey(word) ? word : null;
            }
            if (takesValue(null, word)) {
                i++;
            }
        }
        return null;
    }

    /** True when {@code option} of {@code command} (the root's when null) is followed by a value. */
    private boolean takesValue(String command, String option) {
        return valueOption(command, option) != null;
    }

    /** {@code option} of {@code command} (the root's when null) when it is followed by a value; null otherwise. */
    private OptionSpec valueOption(String command, String option) {
        if (!option.startsWith("-") || option.contains("=")) {
            return null;
        }
        CommandSpec spec = command == null || !root.subcommands().containsKey(command) ? root
                : root.subcommands().get(command).getCommandSpec();
        OptionSpec found = spec.findOption(option);
        return found != null && found.arity().max() > 0 ? found : null;
    }
}
