package dev.cachectl.cli;

import dev.cachectl.Environment;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Help.Ansi.Text;
import picocli.CommandLine.Help.Column;
import picocli.CommandLine.Help.TextTable;
import picocli.CommandLine.Model.CommandSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Help wrapped at spaces only, to the terminal's width. picocli wraps with the JDK's line
 * BreakIterator, which breaks inside {@code ./cachectl.yaml}, {@code e.g.} and URLs; here a line
 * breaks only between words (a word longer than the line is cut). Width: {@code COLUMNS} when set,
 * else the terminal's, else 80.
 */
public final class HelpLayout {
    private static final int MIN_WIDTH = 55;
    private static final int UNWRAPPED = 10_000;

    private HelpLayout() {
    }

    public static void apply(CommandLine cli, Environment env) {
        Integer columns = columns(env.get("COLUMNS"));
        cli.setHelpFactory(WordHelp::new);
        if (columns != null) {
            cli.setUsageHelpWidth(columns);
        } else if (env.terminal()) {
            cli.setUsageHelpAutoWidth(true);
        }
        wrapSections(cli);
    }

    private static void wrapSections(CommandLine cli) {
        Map<String, CommandLine.IHelpSectionRenderer> sections = cli.getHelpSectionMap();
        sections.put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_DESCRIPTION,
                help -> paragraphs(help, help.commandSpec().usageMessage().description()));
        sections.put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_FOOTER,
                help -> paragraphs(help, help.commandSpec().usageMessage().footer()));
        sections.put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_SYNOPSIS, HelpLayout::synopsis);
        cli.setHelpSectionMap(sections);
        cli.getSubcommands().values().forEach(HelpLayout::wrapSections);
    }

    /** picocli's synopsis on one line, then wrapped at spaces under the first option. */
    private static String synopsis(Help help) {
        CommandLine.Model.UsageMessageSpec usage = help.commandSpec().usageMessage();
        int width = usage.width();
        boolean auto = usage.autoWidth();
        String line;
        try {
            usage.autoWidth(false).width(UNWRAPPED);
            // plain: the escapes of a coloured synopsis would count as width
            line = help.synopsis(help.synopsisHeadingLength()).replaceAll("\u001B\\[[;\\d]*m", "");
        } finally {
            usage.width(width).autoWidth(auto);
        }
        int hang = help.synopsisHeadingLength() + help.commandSpec().qualifiedName().length() + 1;
        StringBuilder sb = new StringBuilder();
        for (Text physical : CommandLine.Help.Ansi.OFF.new Text(line).splitLines()) {
            if (physical.plainString().isBlank()) {
                continue;
            }
            List<Text> pieces = wrap(physical, width - help.synopsisHeadingLength(), width - hang);
            for (int i = 0; i < pieces.size(); i++) {
                sb.append(i == 0 ? "" : " ".repeat(hang)).append(pieces.get(i)).append(System.lineSeparator());
            }
        }
        return sb.toString();
    }

    private static Integer columns(String value) {
        if (value == null || !value.matches("\\d{1,4}")) {
            return null;
        }
        return Math.max(MIN_WIDTH, Integer.parseInt(value));
    }

    /** Lines of text wrapped to the usage width; a continuation is indented under the line's second column, if any. */
    private static String paragraphs(Help help, String[] lines) {
        int width = help.commandSpec().usageMessage().width();
        StringBuilder sb = new StringBuilder();
        for (String line : lines) {
            Text text = help.colorScheme().text(line.replace("%n", "\n").replace("%%", "%"));
            for (Text physical : text.splitLines()) {
                int hang = hangingIndent(physical.plainString());
                List<Text> pieces = wrap(physical, width, width - hang);
                for (int i = 0; i < pieces.size(); i++) {
                    sb.append(i == 0 ? "" : " ".repeat(hang)).append(pieces.get(i)).append(System.lineSeparator());
                }
            }
        }
        return sb.toString();
    }

    /** Where the second column of {@code "  NAME    meaning"} starts; 0 for plain prose. */
    private static int hangingIndent(String line) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^ *\\S+ {2,}").matcher(line);
        return m.find() && m.end() < line.length() / 2 + 1 ? m.end() : 0;
    }

    /**
     * {@code text} cut at spaces into a first piece of at most {@code first} characters and further
     * pieces of at most {@code rest}, the spaces at the cuts dropped.
     */
    static List<Text> wrap(Text text, int first, int rest) {
        String plain = text.plainString();
        List<Text> pieces = new ArrayList<>();
        int start = 0;
        int limit = Math.max(1, first);
        while (plain.length() - start > limit) {
            int cut = plain.lastIndexOf(' ', start + limit);
            if (cut <= start) {
                cut = start + limit;
            }
            pieces.add(text.substring(start, cut));
            start = cut;
            while (start < plain.length() && plain.charAt(start) == ' ') {
                start++;
            }
            limit = Math.max(1, rest);
        }
        if (start < plain.length() || pieces.isEmpty()) {
            pieces.add(text.substring(start));
        }
        return pieces;
    }

    /** picocli's help, with tables that wrap at spaces. */
    private static final class WordHelp extends Help {
        WordHelp(CommandSpec spec, Help.ColorScheme scheme) {
            super(spec, scheme);
        }

        @Override
        public Layout createDefaultLayout() {
            Layout layout = super.createDefaultLayout();
            return new Layout(colorScheme(), new WordTable(colorScheme(), layout.textTable()),
                    layout.optionRenderer(), layout.parameterRenderer());
        }

        @Override
        public TextTable createTextTable(Map<?, ?> map) {
            TextTable like = super.createTextTable(map);
            if (map == null || map.isEmpty()) {
                return like;
            }
            // the same columns, filled again through the word-wrapping table
            TextTable table = new WordTable(colorScheme(), like);
            map.forEach((key, value) -> table.addRowValues(text(key), text(value)));
            return table;
        }

        private Text text(Object o) {
            return o instanceof Text t ? t : colorScheme().text(String.valueOf(o));
        }
    }

    private static final class WordTable extends TextTable {
        private final Help.ColorScheme scheme;

        WordTable(Help.ColorScheme scheme, TextTable like) {
            super(scheme, like.columns());
            this.scheme = scheme;
            this.indentWrappedLines = like.indentWrappedLines;
            setAdjustLineBreaksForWideCJKCharacters(like.isAdjustLineBreaksForWideCJKCharacters());
        }

        @Override
        public Cell putValue(int row, int col, Text value) {
            Column column = columns()[col];
            int room = column.width - column.indent;
            if (column.overflow != Column.Overflow.WRAP || value == null || value.plainString().length() <= room) {
                return super.putValue(row, col, value);
            }
            List<Text> pieces = wrap(value, room, room - indentWrappedLines);
            Cell last = super.putValue(row, col, pieces.get(0));
            for (Text piece : pieces.subList(1, pieces.size())) {
                addEmptyRow();
                last = super.putValue(rowCount() - 1, col, scheme.text(" ".repeat(indentWrappedLines)).concat(piece));
            }
            return last;
        }
    }
}
