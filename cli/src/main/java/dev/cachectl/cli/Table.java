package dev.cachectl.cli;

import java.util.ArrayList;
import java.util.List;

/** A plain text table: columns padded to their widest cell, optional indented lines under a row. */
final class Table {
    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();
    private final List<List<String>> notes = new ArrayList<>();

    Table(String... headers) {
        this.headers = List.of(headers);
    }

    void row(List<String> cells, List<String> notesUnder) {
        rows.add(cells);
        notes.add(notesUnder);
    }

    List<String> render() {
        int[] width = new int[headers.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = headers.get(i).length();
            for (List<String> row : rows) {
                width[i] = Math.max(width[i], row.get(i).length());
            }
        }
        List<String> lines = new ArrayList<>();
        lines.add(format(headers, width));
        for (int r = 0; r < rows.size(); r++) {
            lines.add(format(rows.get(r), width));
            for (String note : notes.get(r)) {
                lines.add("  " + note);
            }
        }
        return lines;
    }

    private static String format(List<String> cells, int[] width) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i);
            sb.append(cell);
            if (i < cells.size() - 1) {
                sb.append(" ".repeat(width[i] - cell.length() + 2));
            }
        }
        return sb.toString().stripTrailing();
    }
}
