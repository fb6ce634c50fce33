package dev.cachectl.shell;

import org.jline.reader.CompletingParsedLine;
import org.jline.reader.EOFError;
import org.jline.reader.ParsedLine;
import org.jline.reader.Parser;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Splits a shell line into words as bash (POSIX sh) quotes them, so a line means what it means on the command line:
 * inside {@code '…'} every character is itself; inside {@code "…"} a backslash escapes only {@code $ ` " \} and a
 * newline and stays before any other character; outside quotes it escapes the next character, and before the end of
 * the line it continues the command on the next line. An unquoted {@code ~} or {@code ~/} that starts a word, or
 * follows the first {@code =} of {@code --option=} or {@code NAME=}, is the home folder. Nothing else is expanded
 * ({@code $NAME}, {@code *}, {@code |}, {@code ;} are plain characters), and a line whose first word starts with
 * {@code #} is a comment. The same words feed Tab completion, with the word under the cursor.
 */
public final class ShellParser implements Parser {
    /** What an {@link EOFError} misses when the line ends with a backslash: the line that continues it. */
    public static final String CONTINUATION = "";
    /** A word before {@code =} whose value may start with {@code ~}: an option, or a variable name as bash has it. */
    private static final Pattern ASSIGNABLE = Pattern.compile("-{1,2}[A-Za-z0-9][A-Za-z0-9-]*|[A-Za-z_][A-Za-z0-9_]*");
    /** The characters a backslash escapes inside double quotes; before any other it is itself. */
    private static final String ESCAPED_IN_DOUBLE_QUOTES = "$`\"\\\n";

    private final String home;

    /** @param home the folder {@code ~} stands for; null or empty: {@code ~} stays as typed */
    public ShellParser(String home) {
        this.home = home == null || home.isEmpty() ? null : home;
    }

    /**
     * The words of {@code line}; when the command goes on past it (an open quote, a backslash at its end), an
     * {@link EOFError}, except while completing. Only a line to run ({@code ACCEPT_LINE}) has no empty word where
     * the cursor stands between words.
     */
    @Override
    public ParsedLine parse(String line, int cursor, ParseContext context) {
        return new Scan(line, cursor).run(context);
    }

    /** One pass over a line, building the words and noting the one the cursor is in. */
    private final class Scan {
        private final String line;
        private final int cursor;
        private final List<String> words = new ArrayList<>();
        private final StringBuilder word = new StringBuilder();
        /** Where the word being built starts in the line; -1 between words. */
        private int start = -1;
        /** No quote or backslash in the word so far: an {@code =} in it may be followed by a {@code ~}. */
        private boolean plain = true;
        /** Where a {@code ~} would be the home folder after the word's {@code =}; -1 when nowhere. */
        private int tildeAt = -1;
        /** The quote open at this point ({@code '} or {@code "}), or 0. */
        private char quote;
        private boolean continued;
        // the word under the cursor: its index, the cursor in its value and in its text, the quote open at the cursor
        private int cursorWord = -1;
        private int cursorInWord;
        private int cursorStart;
        private char cursorQuote;
        /** The cursor is before the next word's first character: that word is the cursor's. */
        private boolean cursorBeforeWord;
        /** The cursor is between words: it stands on an empty word of its own. */
        private boolean cursorBetweenWords;
        private int cursorEnd = -1;

        Scan(String line, int cursor) {
            this.line = line == null ? "" : line;
            this.cursor = cursor;
        }

        ParsedLine run(ParseContext context) {
            int first = 0;
            while (first < line.length() && isBlank(line.charAt(first))) {
                first++;
            }
            if (first < line.length() && line.charAt(first) == '#') {
                return comment(first, context);
            }
            int n = line.length();
            for (int i = 0; i < n; i++) {
                if (i == cursor) {
                    markCursor(i);
                }
                char c = line.charAt(i);
                if (quote == '\'') {
                    if (c == '\'') {
                        quote = 0;
                    } else {
                        word.append(c);
                    }
                } else if (quote == '"') {
                    if (c == '"') {
                        quote = 0;
                    } else if (c == '\\' && i + 1 < n && ESCAPED_IN_DOUBLE_QUOTES.indexOf(line.charAt(i + 1)) >= 0) {
                        i = skip(i);
                        if (line.charAt(i) != '\n') {
                            word.append(line.charAt(i));
                        }
                    } else {
                        word.append(c);
                    }
                } else if (c == '\\') {
                    if (i + 1 == n) {
                        continued = true;
                    } else if (line.charAt(i + 1) == '\n') {
                        // a continued line: the backslash and the newline are nothing, not even a word break
                        i = skip(i);
                    } else {
                        begin(i);
                        plain = false;
                        i = skip(i);
                        word.append(line.charAt(i));
                    }
                } else if (isBlank(c)) {
                    end(i);
                } else {
                    begin(i);
                    unquoted(c, i);
                }
            }
            if (cursor >= n) {
                markCursor(n);
            }
            end(n);
            if (context != ParseContext.COMPLETE) {
                if (quote != 0) {
                    throw new EOFError(-1, -1, "a quote is not closed", quote == '\'' ? "quote" : "dquote");
                }
                if (continued) {
                    throw new EOFError(-1, -1, "the line ends with a backslash", CONTINUATION);
                }
            }
            if (cursorBetweenWords && context != ParseContext.ACCEPT_LINE) {
                words.add(cursorWord, "");
            }
            int raw = Math.max(0, cursor - cursorStart);
            int rawLength = cursorEnd < 0 ? raw : cursorEnd - cursorStart;
            return new Words(line, cursor, List.copyOf(words), cursorWord, cursorInWord, raw, rawLength, cursorQuote);
        }

        /** An unquoted character that is not a blank or a backslash, in the word that {@link #begin} started. */
        private void unquoted(char c, int i) {
            if (c == '\'' || c == '"') {
                quote = c;
                plain = false;
            } else if (c == '~' && (i == start || i == tildeAt) && home != null && endsTildePrefix(i + 1)) {
                word.append(home);
            } else {
                if (c == '=' && plain && tildeAt < 0 && ASSIGNABLE.matcher(word).matches()) {
                    tildeAt = i + 1;
                }
                word.append(c);
            }
        }

        /** A {@code ~} is the home folder alone, or before a {@code /}; {@code ~user} and {@code ~"/x"} stay as typed. */
        private boolean endsTildePrefix(int next) {
            return next == line.length() || line.charAt(next) == '/' || isBlank(line.charAt(next));
        }

        /** Past the character at {@code i} to the next one, noting the cursor when it stands between the two. */
        private int skip(int i) {
            if (i + 1 == cursor) {
                markCursor(i + 1);
            }
            return i + 1;
        }

        private void begin(int i) {
            if (start >= 0) {
                return;
            }
            start = i;
            if (cursorBeforeWord) {
                cursorBeforeWord = false;
                cursorWord = words.size();
                cursorInWord = 0;
                cursorStart = i;
            }
        }

        private void end(int i) {
            if (start < 0) {
                return;
            }
            if (cursorWord == words.size() && !cursorBetweenWords) {
                cursorEnd = i;
            }
            words.add(word.toString());
            word.setLength(0);
            start = -1;
            plain = true;
            tildeAt = -1;
        }

        private void markCursor(int i) {
            cursorQuote = quote;
            if (start >= 0) {
                cursorWord = words.size();
                cursorInWord = word.length();
                cursorStart = start;
            } else if (i < line.length() && !isBlank(line.charAt(i))) {
                cursorBeforeWord = true;
            } else {
                cursorBetweenWords = true;
                cursorWord = words.size();
                cursorInWord = 0;
                cursorStart = i;
            }
        }

        /** A comment: no words to run; one word, which completes to nothing, while editing. */
        private ParsedLine comment(int first, ParseContext context) {
            if (context == ParseContext.ACCEPT_LINE) {
                return new Words(line, cursor, List.of(), -1, 0, 0, 0, (char) 0);
            }
            int in = Math.max(0, cursor - first);
            return new Words(line, cursor, List.of(line.substring(first)), 0, in, in, line.length() - first, (char) 0);
        }
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\n';
    }

    /** The words of a line, and what Tab completion needs: the cursor's word and where it is in the typed text. */
    private record Words(String line, int cursor, List<String> words, int wordIndex, int wordCursor, int rawWordCursor,
                         int rawWordLength, char quote) implements CompletingParsedLine {
        @Override
        public String word() {
            return wordIndex >= 0 && wordIndex < words.size() ? words.get(wordIndex) : "";
        }

        /** A completion as typed text: in the quote the word opened (closed when complete), else with backslashes. */
        @Override
        public CharSequence escape(CharSequence candidate, boolean complete) {
            StringBuilder typed = new StringBuilder();
            if (quote == '\'') {
                typed.append('\'').append(candidate.toString().replace("'", "'\\''"));
            } else {
                String special = quote == '"' ? "$`\"\\" : " \t\n'\"\\";
                if (quote == '"') {
                    typed.append('"');
                }
                candidate.chars().forEach(c -> {
                    if (special.indexOf(c) >= 0) {
                        typed.append('\\');
                    }
                    typed.append((char) c);
                });
            }
            if (quote != 0 && complete) {
                typed.append(quote);
            }
            return typed;
        }
    }
}
