package dev.cachectl.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The global options given to {@code cachectl shell} ({@code --home}, {@code --config}, {@code --json}…),
 * as typed: each line gets them unless it gives the same option itself.
 */
public record GlobalOptions(List<Given> given) {

    /** One option as typed ({@code --home DIR}), and every name it goes by ({@code -q}, {@code --quiet}). */
    public record Given(Set<String> names, List<String> tokens) {
    }

    public static GlobalOptions none() {
        return new GlobalOptions(List.of());
    }

    /** The line's words, preceded by the shell's options the line does not set. */
    public List<String> applyTo(List<String> words) {
        List<String> named = new ArrayList<>();
        for (String word : words) {
            if (word.equals("--")) {
                break;
            }
            named.add(word.contains("=") ? word.substring(0, word.indexOf('=')) : word);
        }
        List<String> args = new ArrayList<>();
        for (Given option : given) {
            if (option.names().stream().noneMatch(named::contains)) {
                args.addAll(option.tokens());
            }
        }
        args.addAll(words);
        return args;
    }
}
