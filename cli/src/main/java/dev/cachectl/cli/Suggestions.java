package dev.cachectl.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** "Did you mean": the commands or options closest to a mistyped one, by edit distance. */
final class Suggestions {

    private Suggestions() {
    }

    /** The visible subcommands of {@code cli}. */
    static List<String> commandNames(CommandLine cli) {
        List<String> names = new ArrayList<>();
        cli.getSubcommands().forEach((name, sub) -> {
            if (!sub.getCommandSpec().usageMessage().hidden()) {
                names.add(name);
            }
        });
        return names;
    }

    /** Every visible option name of {@code cli}, inherited ones included. */
    static List<String> optionNames(CommandLine cli) {
        List<String> names = new ArrayList<>();
        for (OptionSpec option : cli.getCommandSpec().options()) {
            if (!option.hidden()) {
                names.addAll(List.of(option.names()));
            }
        }
        return names;
    }

    /**
     * The candidates at most a few edits from {@code typed} (one for short words, two otherwise; a
     * swap of neighbours is one edit), closest first, at most three; or those {@code typed} begins.
     */
    static List<String> near(String typed, List<String> candidates) {
        String bare = typed.replaceFirst("^-+", "");
        int limit = bare.length() <= 3 ? 1 : 2;
        return candidates.stream()
                .filter(c -> distance(typed, c) <= limit || bare.length() >= 2 && c.replaceFirst("^-+", "").startsWith(bare))
                .distinct()
                .sorted(Comparator.comparingInt((String c) -> distance(typed, c)).thenComparing(c -> c))
                .limit(3)
                .toList();
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
