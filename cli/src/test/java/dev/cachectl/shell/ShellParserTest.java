package dev.cachectl.shell;

import org.jline.reader.CompletingParsedLine;
import org.jline.reader.EOFError;
import org.jline.reader.ParsedLine;
import org.jline.reader.Parser.ParseContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A shell line's words are the words bash gives the same line; Tab completion gets the word under the cursor. */
class ShellParserTest {
    private static final String HOME = "/home/someone";
    private final ShellParser parser = new ShellParser(HOME);

    private List<String> words(String line) {
        return parser.parse(line, line.length(), ParseContext.ACCEPT_LINE).words();
    }

    /** The words bash passes to a command for {@code line}, with HOME set as the parser's. */
    private static List<String> bash(String line) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("bash", "--noprofile", "--norc", "-c", "printf '%s\\0' " + line)
                .redirectErrorStream(true);
        builder.environment().put("HOME", HOME);
        Process bash = builder.start();
        bash.getOutputStream().close();
        String printed = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(bash.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, bash.exitValue(), printed);
        return Arrays.asList(printed.substring(0, printed.length() - 1).split("\0", -1));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "--match 'star\\*k' --delete-source",
            "--key 'q\\w:{id}'",
            "'q\\\\w' q\\\\w \"q\\\\w\"",
            "--match \"star\\*k\"",
            "\"a\\\"b\" \"a\\\\b\" \"a\\$b\" \"a\\`b\" \"a\\nb\" \"a\\'b\"",
            "a\\ b a\\\\b \\'x \\\"y a\\*",
            "'it'\\''s' ab'cd'\"ef\"g",
            "a '' b \"\" c",
            "  lead\tand   trail  ",
            "warm x --key \"k:{id}\" \\\n  --dry-run",
            "a\\\nb \"c\\\nd\" 'e\\\nf'",
            "\"two\nlines\" 'and\nmore'",
            "~ ~/x x~ '~'/x \"~\" ~\"/x\" \\~/x a=~/x a=b=~/x =~/x",
            "--url=redis://127.0.0.1:6379/0 --password 'p@ss w\"rd'",
    })
    void splits_words_as_bash_does(String line) throws Exception {
        assertEquals(bash(line), words(line), line);
    }

    @Test
    void a_tilde_after_the_equals_of_an_option_is_the_home_folder_too() {
        // bash leaves these as typed; a folder named ~ is never what the line meant
        assertEquals(List.of("start", "--home=" + HOME + "/h", "--config=" + HOME), words("start --home=~/h --config=~"));
        assertEquals(List.of("--home=~/h", "--home=~x", "-x=a~"), words("--home='~/h' --home=~x -x=a~"));
    }

    @Test
    void dollars_globs_and_shell_operators_are_plain_characters() {
        assertEquals(List.of("$HOME", "*.jsonl", "a;b", "|", "${x}"), words("$HOME *.jsonl a;b | ${x}"));
    }

    @Test
    void without_a_home_a_tilde_stays() {
        assertEquals(List.of("~/x"), new ShellParser(null).parse("~/x", 3, ParseContext.ACCEPT_LINE).words());
    }

    @Test
    void a_line_whose_first_word_starts_with_a_hash_is_a_comment_even_with_a_quote_or_a_final_backslash() {
        assertEquals(List.of(), words("# don't run this \\"));
        assertEquals(List.of(), words("   #status"));
        assertEquals(List.of("status", "#x"), words("status #x"));
    }

    @Test
    void an_open_quote_or_a_final_backslash_asks_for_more_except_while_completing() {
        EOFError quote = assertThrows(EOFError.class, () -> words("stop 'src"));
        assertEquals("quote", quote.getMissing());
        assertEquals("dquote", assertThrows(EOFError.class, () -> words("stop \"src\\\"")).getMissing());
        EOFError continued = assertThrows(EOFError.class, () -> words("warm x \\"));
        assertEquals(ShellParser.CONTINUATION, continued.getMissing());
        assertEquals(List.of("warm", "x", ""), parser.parse("warm x \\", 8, ParseContext.COMPLETE).words());
        assertEquals(List.of("x\\"), words("'x\\'"));
    }

    @Test
    void completion_gets_the_word_under_the_cursor_and_where_it_is_typed() {
        CompletingParsedLine quoted = complete("stop 'ca", 8);
        assertEquals(List.of("stop", "ca"), quoted.words());
        assertEquals(1, quoted.wordIndex());
        assertEquals("ca", quoted.word());
        assertEquals(2, quoted.wordCursor());
        assertEquals(3, quoted.rawWordCursor());
        assertEquals(3, quoted.rawWordLength());
        assertEquals("'cache'", quoted.escape("cache", true).toString());
        assertEquals("'it'\\''s", quoted.escape("it's", false).toString());

        CompletingParsedLine escaped = complete("warm a\\ b --to", 8);
        assertEquals("a b", escaped.word());
        assertEquals(1, escaped.wordIndex());
        assertEquals(2, escaped.wordCursor());
        assertEquals(3, escaped.rawWordCursor());
        assertEquals(4, escaped.rawWordLength());
        assertEquals("a\\ b\\'c", escaped.escape("a b'c", true).toString());

        CompletingParsedLine next = complete("run --with ", 11);
        assertEquals(List.of("run", "--with", ""), next.words());
        assertEquals(2, next.wordIndex());
        assertEquals(List.of("run", "--with"), words("run --with "));

        CompletingParsedLine between = complete("stop  x", 5);
        assertEquals(List.of("stop", "", "x"), between.words());
        assertEquals(1, between.wordIndex());
        assertEquals(0, between.rawWordLength());

        CompletingParsedLine before = complete("stop x", 5);
        assertEquals(1, before.wordIndex());
        assertEquals(0, before.wordCursor());
        assertEquals(1, before.rawWordLength());
    }

    private CompletingParsedLine complete(String line, int cursor) {
        ParsedLine parsed = parser.parse(line, cursor, ParseContext.COMPLETE);
        return (CompletingParsedLine) parsed;
    }
}
