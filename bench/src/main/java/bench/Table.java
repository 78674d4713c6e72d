package bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The one table writer: the same rows become a Markdown table for the page and the console, and a CSV file for
 * the raw results. Cells are numbers (formatted to about three significant digits), strings, {@link Spread}s
 * (median with the min-max range) or null (not measured).
 */
final class Table {
    private final List<String> columns;
    private final List<Object[]> rows = new ArrayList<>();

    Table(String... columns) {
        this.columns = List.of(columns);
    }

    /** A row; a List among the cells stands for its elements. */
    Table add(Object... cells) {
        Object[] row = Arrays.stream(cells).<Object>flatMap(c -> c instanceof List<?> l ? l.stream() : Stream.of(c))
                .toArray();
        if (row.length != columns.size()) {
            throw new IllegalArgumentException(columns.size() + " columns, " + row.length + " cells");
        }
        rows.add(row);
        return this;
    }

    List<Object[]> rows() {
        return rows;
    }

    String markdown() {
        StringBuilder sb = new StringBuilder("| ").append(String.join(" | ", columns)).append(" |\n|");
        for (int c = 0; c < columns.size(); c++) sb.append(numeric(c) ? " ---: |" : " --- |");
        for (Object[] row : rows) {
            sb.append("\n|");
            for (Object cell : row) sb.append(' ').append(format(cell).replace("|", "\\|")).append(" |");
        }
        return sb.append('\n').toString();
    }

    void writeCsv(Path file) {
        StringBuilder sb = new StringBuilder(csvLine(columns.toArray()));
        rows.forEach(row -> sb.append(csvLine(row)));
        Page.unchecked(() -> Files.writeString(file, sb));
    }

    private boolean numeric(int column) {
        return !rows.isEmpty() && rows.stream().allMatch(r -> r[column] == null || r[column] instanceof Number || r[column] instanceof Spread);
    }

    static String format(Object cell) {
        if (cell == null) return "–";
        if (cell instanceof Spread s) {
            return s.samples().length == 1 ? number(s.median())
                    : number(s.median()) + " (" + number(s.min()) + "–" + number(s.max()) + ")";
        }
        if (cell instanceof Integer || cell instanceof Long) return String.format(Locale.ROOT, "%,d", ((Number) cell).longValue());
        if (cell instanceof Number n) return number(n.doubleValue());
        return cell.toString();
    }

    /** About three significant digits, thousands grouped: 18,234 / 46.2 / 3.14 / 0.182. */
    static String number(double v) {
        if (Double.isNaN(v)) return "–";
        if (v == 0) return "0";
        double a = Math.abs(v);
        // Thresholds sit just under the powers of ten, so 0.9996 prints as 1.00, not 1.000.
        String f = a >= 99.95 || v == Math.rint(v) && a >= 10 ? "%,.0f" : a >= 9.995 ? "%.1f" : a >= 0.9995 ? "%.2f" : "%.3f";
        return String.format(Locale.ROOT, f, v);
    }

    /** A CSV line: numbers as Java prints them (a Spread as its median), text quoted when it must be. */
    private static String csvLine(Object[] cells) {
        return Arrays.stream(cells).map(cell -> {
            if (cell == null) return "";
            if (cell instanceof Spread s) return Double.toString(s.median());
            String text = cell.toString();
            boolean quoted = !(cell instanceof Number) && text.matches("(?s).*[,\"\n].*");
            return quoted ? '"' + text.replace("\"", "\"\"") + '"' : text;
        }).collect(Collectors.joining(",", "", "\n"));
    }
}
