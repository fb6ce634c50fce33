package dev.cachectl.shell;

import dev.cachectl.Cachectl;
import dev.cachectl.Environment;
import org.jline.reader.Candidate;
import org.jline.reader.ParsedLine;
import org.jline.reader.Parser.ParseContext;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Help.Ansi;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What Tab offers in the shell, for lines the whole command tree and a home's names complete. */
class ShellCompleterTest {
    private final ShellCompleter completer = new ShellCompleter(Cachectl.commandLine(Environment.system(), Ansi.OFF),
            () -> new ShellCompleter.Names(List.of("cache", "sessions"), List.of("nightly"), List.of("web"), List.of("hot")));

    /** The candidates' values for the line with the cursor at its end. */
    private List<String> complete(String line) {
        ParsedLine parsed = new ShellParser(null).parse(line, line.length(), ParseContext.COMPLETE);
        List<Candidate> candidates = new ArrayList<>();
        completer.complete(null, parsed, candidates);
        return candidates.stream().map(Candidate::value).filter(v -> v.startsWith(parsed.word())).sorted().distinct().toList();
    }

    /** The candidates that are not options (the model offers those for an empty word too). */
    private List<String> values(String line) {
        return complete(line).stream().filter(v -> !v.startsWith("-")).toList();
    }

    @Test
    void commands_options_and_names_as_before() {
        assertTrue(complete("sta").containsAll(List.of("start", "status")), complete("sta").toString());
        assertEquals(List.of("cache", "sessions"), values("stop "));
        assertEquals(List.of("cache", "sessions"), values("run --with "));
        assertTrue(complete("warm --to cache --jo").contains("--job"), complete("warm --to cache --jo").toString());
    }

    @Test
    void the_next_item_of_a_comma_separated_list_keeps_the_items_before_it() {
        // a name already in the list is not offered again
        assertEquals(List.of("cache,sessions"), complete("run --with cache,"));
        assertEquals(List.of(), complete("run --with cache,sessions,"));
        assertEquals(List.of("cache,sessions"), complete("run --with cache,se"));
        assertEquals(List.of("allkeys-lru,allkeys-lfu"), complete("bench x --mode eviction --policies allkeys-lru,allkeys-lf"));
    }

    @Test
    void policies_help_and_a_pasted_cachectl_prefix_complete() {
        assertEquals(List.of("allkeys-lfu", "allkeys-lru", "allkeys-random"), complete("start cache --policy allk"));
        assertTrue(complete("start cache --policy ").contains("noeviction"), complete("start cache --policy ").toString());
        assertTrue(complete("bench x --mode eviction --policies ").contains("volatile-ttl"));
        assertTrue(!complete("bench x --mode eviction --policies ").contains("noeviction"), "noeviction does not evict");
        assertEquals(List.of("start", "status", "stop"), complete("help st"));
        assertTrue(complete("cachectl sta").containsAll(List.of("start", "status")), complete("cachectl sta").toString());
        assertEquals(List.of("cache", "sessions"), values("cachectl stop "));
        assertEquals(List.of("--policy"), complete("cachectl start cache --pol"));
    }
}
