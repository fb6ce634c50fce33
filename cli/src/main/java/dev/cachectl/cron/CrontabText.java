package dev.cachectl.cron;

import dev.cachectl.CachectlException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A user's crontab with cachectl's block put in, replaced or taken out, every other line kept byte for
 * byte: the text is handled as ISO-8859-1, where each byte is one character, so lines in any encoding
 * survive; only the block's own lines are encoded as UTF-8.
 */
final class CrontabText {

    private CrontabText() {
    }

    /** What {@code current} becomes with {@code block} in the place of its earlier block (or at the end); without it when {@code block} is empty. */
    static byte[] with(byte[] current, String begin, String end, List<String> block) {
        List<String> lines = lines(current);
        List<String> out = new ArrayList<>();
        boolean placed = false;
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).equals(bytes(begin))) {
                out.add(lines.get(i));
                continue;
            }
            int close = lines.subList(i, lines.size()).indexOf(bytes(end));
            if (close < 0) {
                throw CachectlException.failed("the crontab has the line '" + begin + "' but not its '" + end
                        + "': mend it with 'crontab -e' first");
            }
            if (!placed) {
                block.forEach(l -> out.add(bytes(l)));
                placed = true;
            }
            i += close;
        }
        if (!placed) {
            block.forEach(l -> out.add(bytes(l)));
        }
        StringBuilder text = new StringBuilder();
        // crontab needs the last line ended, so the one line that may change is a last line without its newline
        out.forEach(l -> text.append(l).append('\n'));
        return text.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** True when the crontab holds a block that starts with {@code begin}. */
    static boolean has(byte[] current, String begin) {
        return lines(current).contains(bytes(begin));
    }

    /**
     * True when {@code current} is what {@link #with} made of some crontab, as far as the block goes: the block
     * once, line for line; no block at all when {@code block} is empty.
     */
    static boolean holds(byte[] current, String begin, List<String> block) {
        List<String> lines = lines(current);
        int at = lines.indexOf(bytes(begin));
        if (block.isEmpty()) {
            return at < 0;
        }
        List<String> ours = block.stream().map(CrontabText::bytes).toList();
        return at >= 0 && lines.lastIndexOf(bytes(begin)) == at && at + ours.size() <= lines.size()
                && lines.subList(at, at + ours.size()).equals(ours);
    }

    private static List<String> lines(byte[] content) {
        String text = new String(content, StandardCharsets.ISO_8859_1);
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            // the empty string after the final newline (or of an empty crontab) is not a line
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    /** A line of ours in the byte-per-character form the other lines are in. */
    private static String bytes(String line) {
        return new String(line.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }
}
