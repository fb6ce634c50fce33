package dev.cachectl.cli;

import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import dev.cachectl.testing.Repo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs every cachectl command line the README shows, in order, in one temporary home, so the
 * docs cannot rot. Lines of {@code sh} blocks that call {@code cachectl} (or {@code scripts/cachectl})
 * are run through the front door; {@code # exit N} at the end of a line names the expected exit
 * code (default 0). A {@code yaml} block becomes the working directory's cachectl.yaml from there on.
 * The working directory starts with a copy of {@code docs/examples/}, the inputs the examples read.
 */
class ReadmeExamplesTest {
    private static final Pattern FENCE = Pattern.compile("(?ms)^```(\\w+)\\n(.*?)^```");
    private static final Pattern EXPECTED_EXIT = Pattern.compile("#\\s*exit\\s+(\\d+)\\s*$");

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void every_cachectl_command_in_the_readme_runs_as_shown() throws IOException {
        String readme = Files.readString(Repo.root().resolve("README.md"));
        copyTree(Repo.root().resolve("docs/examples"), home.workDir().resolve("docs/examples"));
        Matcher block = FENCE.matcher(readme);
        int ran = 0;
        while (block.find()) {
            if (block.group(1).equals("yaml")) {
                Files.writeString(home.workDir().resolve("cachectl.yaml"), block.group(2));
                continue;
            }
            if (!block.group(1).equals("sh")) {
                continue;
            }
            for (String line : block.group(2).split("\n")) {
                Matcher exit = EXPECTED_EXIT.matcher(line);
                int expected = exit.find() ? Integer.parseInt(exit.group(1)) : 0;
                for (String part : stripComment(line).split("&&")) {
                    List<String> words = ShellWords.split(part.trim());
                    Map<String, String> assignments = ShellWords.leadingAssignments(words);
                    if (words.isEmpty() || !(words.get(0).equals("cachectl") || words.get(0).equals("scripts/cachectl"))) {
                        continue;
                    }
                    home.env().putAll(assignments);
                    CliResult result = home.run(words.subList(1, words.size()).toArray(String[]::new));
                    assertEquals(expected, result.exitCode(), () -> "README line: " + line + "\n" + result);
                    ran++;
                }
            }
        }
        assertTrue(ran >= 15, "the README shows at least 15 cachectl commands; ran " + ran);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path dest = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(f, dest);
                }
            }
        }
    }

    private static String stripComment(String line) {
        int hash = line.indexOf(" #");
        return hash < 0 ? line : line.substring(0, hash);
    }

    /** Just enough of sh word splitting for documentation lines: quotes, and VAR=value prefixes. */
    static final class ShellWords {
        static List<String> split(String line) {
            List<String> words = new ArrayList<>();
            StringBuilder word = new StringBuilder();
            boolean inWord = false;
            char quote = 0;
            for (char c : line.toCharArray()) {
                if (quote != 0) {
                    if (c == quote) {
                        quote = 0;
                    } else {
                        word.append(c);
                    }
                } else if (c == '\'' || c == '"') {
                    quote = c;
                    inWord = true;
                } else if (Character.isWhitespace(c)) {
                    if (inWord) {
                        words.add(word.toString());
                        word.setLength(0);
                        inWord = false;
                    }
                } else {
                    word.append(c);
                    inWord = true;
                }
            }
            if (inWord) {
                words.add(word.toString());
            }
            return words;
        }

        /** Removes and returns leading {@code NAME=value} words. */
        static Map<String, String> leadingAssignments(List<String> words) {
            Map<String, String> env = new java.util.LinkedHashMap<>();
            while (!words.isEmpty() && words.get(0).matches("[A-Z_][A-Z0-9_]*=.*")) {
                String w = words.remove(0);
                env.put(w.substring(0, w.indexOf('=')), w.substring(w.indexOf('=') + 1));
            }
            return env;
        }
    }
}
