package bench;

import static java.util.stream.Collectors.joining;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/** Rows of cells (numbers, strings, {@link Spread}s, null: not measured) as a Markdown table and as CSV. */
final class Table {
    private final List<String> columns;
    private final List<Object[]> rows = new ArrayList<>();

    Table(String... columns) {
        this.columns = List.of(columns);
    }

    /** A row; a List among the cells stands for its elements. */
    Table add(Object... cells) {
        var row = Stream.of(cells).<Object>flatMap(c -> c instanceof List<?> l ? l.stream() : Stream.of(c)).toArray();
        if (row.length != columns.size()) throw new IllegalArgumentException(row.length + " cells for " + columns);
        rows.add(row);
        return this;
    }

    List<Object[]> rows() {
        return rows;
    }

    String markdown() {
        var align = IntStream.range(0, columns.size()).mapToObj(c -> !rows.isEmpty() && rows.stream().map(r -> r[c])
                .allMatch(v -> v == null || v instanceof Number || v instanceof Spread) ? "---:" : "---").toArray();
        return Stream.concat(Stream.of(columns.toArray(), align), rows.stream()).map(row -> Arrays.stream(row)
                .map(c -> format(c).replace("|", "\\|")).collect(joining(" | ", "| ", " |\n"))).collect(joining());
    }

    /** Numbers as Java prints them (a Spread as its median), text quoted when it must be. */
    void writeCsv(Path file) {
        String csv = Stream.concat(Stream.<Object[]>of(columns.toArray()), rows.stream()).map(row -> Arrays.stream(row)
                .map(c -> c == null ? "" : c instanceof Spread s ? Double.toString(s.median()) : c.toString())
                .map(t -> t.matches("(?s).*[,\"\n].*") ? '"' + t.replace("\"", "\"\"") + '"' : t)
                .collect(joining(",", "", "\n"))).collect(joining());
        Page.unchecked(() -> Files.writeString(file, csv));
    }

    static String format(Object cell) {
        if (cell == null) return "–";
        if (cell instanceof Spread s) return s.samples().length == 1 ? number(s.median())
                : number(s.median()) + " (" + number(s.min()) + "–" + number(s.max()) + ")";
        if (cell instanceof Integer || cell instanceof Long) return String.format(Locale.ROOT, "%,d", cell);
        return cell instanceof Number n ? number(n.doubleValue()) : cell.toString();
    }

    /** About three significant digits, thousands grouped: 18,234 / 46.2 / 3.14 / 0.182. */
    static String number(double v) {
        if (Double.isNaN(v)) return "–";
        if (v == 0) return "0";
        double a = Math.abs(v);
        // Thresholds sit just under the powers of ten, so 0.9996 prints as 1.00, not 1.000.
        String f = a >= 99.95 || v == Math.rint(v) && a >= 10 ? "%,.0f"
                : a >= 9.995 ? "%.1f" : a >= 0.9995 ? "%.2f" : "%.3f";
        return String.format(Locale.ROOT, f, v);
    }
}
