package dev.cachectl.cli;

import dev.cachectl.testing.CachectlHome;
import dev.cachectl.testing.CliResult;
import dev.cachectl.testing.Repo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs every cachectl command line the README shows, in order, in one temporary home, so the
 * docs cannot rot. Lines of {@code sh} blocks that call {@code cachectl} (or {@code scripts/cachectl})
 * are run through the front door; {@code # ... exit N} at the end of a line names the expected exit
 * code (default 0). A {@code yaml} block becomes the working directory's cachectl.yaml from there on.
 * The working directory starts with a copy of {@code docs/examples/}, the inputs the examples read.
 * A command's stdin may come from {@code < FILE} or from a pipe ({@code PRODUCER | cachectl ...}, the
 * producer run by {@code sh} in the working directory); otherwise it is empty.
 */
class ReadmeExamplesTest {
    private static final Pattern FENCE = Pattern.compile("(?ms)^```(\\w+)\\n(.*?)^```");
    private static final Pattern EXPECTED_EXIT = Pattern.compile("#.*\\bexit\\s+(\\d+)\\s*$");

    @RegisterExtension
    final CachectlHome home = new CachectlHome();

    @Test
    void every_cachectl_command_in_the_readme_runs_as_shown() throws IOException {
        String readme = Files.readString(Repo.root().resolve("README.md"));
        copyTree(Repo.root().resolve("docs/examples"), home.workDir().resolve("docs/examples"));
        Matcher block = FENCE.matcher(readme);
        int ran = 0;
        int fed = 0;
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
                    int pipe = part.lastIndexOf(" | ");
                    List<String> words = ShellWords.split(part.substring(pipe < 0 ? 0 : pipe + 3).trim());
                    Map<String, String> assignments = ShellWords.leadingAssignments(words);
                    if (words.isEmpty() || !(words.get(0).equals("cachectl") || words.get(0).equals("scripts/cachectl"))) {
                        continue;
                    }
                    home.env().putAll(assignments);
                    byte[] stdin = pipe < 0 ? new byte[0] : producerOutput(part.substring(0, pipe));
                    int from = words.indexOf("<");
                    if (from > 0) {
                        stdin = Files.readAllBytes(home.workDir().resolve(words.get(from + 1)));
                        words = new ArrayList<>(words);
                        words.subList(from, from + 2).clear();
                    }
                    fed += stdin.length > 0 ? 1 : 0;
                    CliResult result = home.runWithInput(stdin, words.subList(1, words.size()).toArray(String[]::new));
                    assertEquals(expected, result.exitCode(), () -> "README line: " + line + "\n" + result);
                    ran++;
                }
            }
        }
        assertTrue(ran >= 15, "the README shows at least 15 cachectl commands; ran " + ran);
        assertTrue(fed > 0, "the README's example of a warm from a pipe did not run");
    }

    /**
     * The install lines of "On a fresh machine", run as shown in a home that has no {@code ~/.local/bin}
     * yet: afterwards a new bash (which reads {@code ~/.bashrc}) finds cachectl, and its completion.
     */
    @Test
    void the_install_lines_put_cachectl_on_the_path_of_a_new_shell_in_a_fresh_home() throws Exception {
        String readme = Files.readString(Repo.root().resolve("README.md"));
        Matcher block = FENCE.matcher(readme);
        String install = null;
        while (install == null && block.find()) {
            if (block.group(1).equals("sh") && block.group(2).contains("~/.local/bin/cachectl")) {
                install = block.group(2);
            }
        }
        assertTrue(install != null, "no install block in the README");
        Path fakeHome = home.workDir().resolve("user");
        Files.createDirectories(fakeHome);

        assertEquals("", bash(fakeHome, "set -e\n" + install), "the install lines failed");
        String found = bash(fakeHome, "source ~/.bashrc && command -v cachectl && complete -p cachectl >/dev/null && echo completes");
        assertEquals(fakeHome.resolve(".local/bin/cachectl") + "\ncompletes\n", found);
        assertEquals(Repo.root().resolve("scripts/cachectl").toRealPath(), fakeHome.resolve(".local/bin/cachectl").toRealPath());
    }

    /** Runs {@code script} in bash from the repository's root with HOME set and a PATH without ~/.local/bin; stdout and stderr. */
    private static String bash(Path fakeHome, String script) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", script).directory(Repo.root().toFile()).redirectErrorStream(true);
        pb.environment().put("HOME", fakeHome.toString());
        pb.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
        Process p = pb.start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "bash did not finish: " + script);
        return output;
    }

    /** The stdout of the command before a pipe, run by sh in the working directory. */
    private byte[] producerOutput(String command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", command).directory(home.workDir().toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        try {
            assertEquals(0, p.waitFor(), "README producer failed: " + command);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return out;
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
