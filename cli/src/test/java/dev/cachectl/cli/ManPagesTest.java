package dev.cachectl.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The release's man pages (man/man1 of cachectl-VERSION.tar.gz) come from the picocli model the CLI
 * runs, written by ManPages at build time: one per command help lists, each with that command's options.
 */
class ManPagesTest {

    @Test
    void one_page_per_listed_command_with_its_options(@TempDir Path dir) throws IOException {
        ManPages.write(dir);
        Set<String> expected = new TreeSet<>(Set.of("cachectl.adoc"));
        CachectlCommand.SUBCOMMANDS.stream()
                .filter(name -> !name.equals("help") && !name.equals("supervise"))
                .forEach(name -> expected.add("cachectl-" + name + ".adoc"));
        Set<String> written;
        try (Stream<Path> files = Files.list(dir)) {
            written = files.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(expected, written, "a man page for every command help lists, and for no hidden one");

        String root = Files.readString(dir.resolve("cachectl.adoc"));
        assertTrue(root.contains(":doctype: manpage"), root);
        assertTrue(root.contains("xref:cachectl-start.adoc[*start*]"), "the root page lists start:\n" + root);
        String start = Files.readString(dir.resolve("cachectl-start.adoc"));
        assertTrue(start.contains("--idle-timeout"), "start's page has its options:\n" + start);
        assertTrue(start.contains("Exit codes"), "start's page has the exit codes:\n" + start);
        assertTrue(Files.readString(dir.resolve("cachectl-warm.adoc")).contains("--batch"), "warm's page has its options");
    }
}
