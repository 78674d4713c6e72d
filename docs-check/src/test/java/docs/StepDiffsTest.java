package docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the step pages promise a projector: changed words marked, lines as in the source, words in one place. */
class StepDiffsTest {
    private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent();

    /** One side of a row as the page shows it: class, number, indentation, text, marked words, extra indentation. */
    record Line(String kind, int number, String indent, String text, List<String> marks, String shift) {
        String whole() {
            return indent + text;
        }
    }

    record Row(Line left, Line right) {
    }

    private static final Pattern ROW = Pattern.compile("<tr>(.*?)</tr>");
    private static final Pattern CELLS = Pattern.compile(
            "<td class=\"n([^\"]*)\">(\\d*)</td><td class=\"c([^\"]*)\">(.*?)</td>");
    private static final Pattern INDENT = Pattern.compile("<span class=\"i\">(.*?)</span><span class=\"t\">");
    private static final Pattern SHIFT = Pattern.compile("<span class=\"sh\">( *)</span>");
    private static final Pattern MARK = Pattern.compile("<(del|ins)>(.*?)</\\1>");

    static List<Row> rows(String html) {
        List<Row> rows = new ArrayList<>();
        Matcher row = ROW.matcher(html);
        while (row.find()) {
            Matcher cells = CELLS.matcher(row.group(1));
            List<Line> sides = new ArrayList<>();
            while (cells.find()) {
                String inner = cells.group(4);
                Matcher indent = INDENT.matcher(inner);
                Matcher shift = SHIFT.matcher(inner);
                String code = inner.contains("<span class=\"t\">")
                        ? inner.substring(inner.indexOf("<span class=\"t\">")) : "";
                List<String> marks = new ArrayList<>();
                for (Matcher mark = MARK.matcher(code); mark.find();) {
                    marks.add(text(mark.group(2)));
                }
                int number = cells.group(2).isEmpty() ? 0 : Integer.parseInt(cells.group(2));
                sides.add(new Line(cells.group(3).trim(), number, indent.find() ? text(indent.group(1)) : "",
                        text(code), marks, shift.find() ? shift.group(1) : ""));
            }
            if (!sides.isEmpty()) {
                assertEquals(2, sides.size(), "a row has a left and a right side: " + row.group());
                rows.add(new Row(sides.get(0), sides.get(1)));
            }
        }
        return rows;
    }

    /** The text a browser shows for a piece of the page. */
    static String text(String html) {
        return html.replaceAll("<[^>]*>", "").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                .replace("&amp;", "&");
    }

    private static Row row(List<Row> rows, Predicate<Row> which) {
        List<Row> found = rows.stream().filter(which).toList();
        assertEquals(1, found.size(), "expected one such row, found " + found);
        return found.get(0);
    }

    @Test
    void step3to4MarksExactlyTheAddedFlagWithinTheRegisterLine() {
        List<Row> rows = rows(StepDiffs.generate(ROOT).get("step-3-4.html"));
        Row register = row(rows, r -> r.left().text().equals("epoll.register(serversocket.fileno(), Epoll.EPOLLIN);"));
        assertEquals("epoll.register(serversocket.fileno(), Epoll.EPOLLIN | Epoll.EPOLLET);", register.right().text());
        assertEquals(List.of(), register.left().marks());
        assertEquals(List.of("| Epoll.EPOLLET"), register.right().marks());
        assertEquals("del", register.left().kind());
        assertEquals("add", register.right().kind());

        List<Row> rests = rows.stream().filter(r -> r.left().text().equals("epoll.modify(fileno, 0);")).toList();
        assertEquals(3, rests.size(), "hang up after end of stream, after the reply, and rest the listening socket");
        for (Row rest : rests) {
            assertEquals("epoll.modify(fileno, Epoll.EPOLLET);", rest.right().text());
            assertEquals(List.of("0"), rest.left().marks());
            assertEquals(List.of("Epoll.EPOLLET"), rest.right().marks());
        }
    }

    /** A line that moved into step 4's accept loop faces its old self: deeper by one loop and one try, nothing else. */
    @Test
    void step3to4PairsTheLinesThatMovedIntoTheAcceptLoop() {
        List<Row> rows = rows(StepDiffs.generate(ROOT).get("step-3-4.html"));
        Row accept = row(rows, r -> r.left().text().equals("LinuxSocket connection = serversocket.accept().socket();"));
        assertEquals(accept.left().text(), accept.right().text());
        assertEquals("add mv", accept.right().kind());
        assertEquals(List.of(), accept.right().marks());
        assertEquals(8, accept.right().shift().length(), "the line moved in by the loop and the try");

        Row watch = row(rows, r -> r.left().text().equals("epoll.register(connection.fileno(), Epoll.EPOLLIN);"));
        assertEquals("epoll.register(connection.fileno(), Epoll.EPOLLIN | Epoll.EPOLLET);", watch.right().text());
        assertEquals(List.of("| Epoll.EPOLLET"), watch.right().marks());
        assertEquals(watch.left().indent().length() + watch.right().shift().length(), watch.right().indent().length());
    }

    /**
     * Every cell shows its source line as written: the indentation as deep as in the file (in a box of its own,
     * so a wrapped line hangs under its first character), then the text, nothing lost, added or reordered.
     */
    @Test
    void everyCellShowsItsSourceLineWithItsIndentation() throws IOException {
        Map<String, String> files = StepDiffs.generate(ROOT);
        int checked = 0;
        for (StepDiffs.Step step : StepDiffs.STEPS) {
            String page = files.get(step.name() + ".html");
            if (!Files.exists(ROOT.resolve(StepDiffs.server(step.child())))) {
                continue;
            }
            List<String> left = Files.readAllLines(ROOT.resolve(StepDiffs.server(step.parent())));
            List<String> right = Files.readAllLines(ROOT.resolve(StepDiffs.server(step.child())));
            for (Row row : rows(page)) {
                for (Line line : List.of(row.left(), row.right())) {
                    if (line.number() == 0) {
                        assertEquals("", line.whole());
                        continue;
                    }
                    String source = (line == row.left() ? left : right).get(line.number() - 1);
                    assertEquals(source, line.whole(), step.name() + " line " + line.number());
                    assertFalse(line.text().startsWith(" "), "the indentation stands apart from the text: " + source);
                    checked++;
                }
            }
        }
        assertTrue(checked > 300, "checked only " + checked + " lines");
    }

    /** Changed lines pair by likeness, not by position: a line inserted above a changed one does not take its place. */
    @Test
    void aChangedLineFacesTheLineItBecame(@TempDir Path root) throws IOException {
        write(root, "example3-epoll-lt", "class Server {", "    a();", "    epoll.modify(fileno, 0);", "    b();", "}");
        write(root, "example4-epoll-et", "class Server {", "    a();", "    while (true) {",
                "        epoll.modify(fileno, Epoll.EPOLLET);", "    }", "    b();", "}");
        List<Row> rows = rows(StepDiffs.generate(root).get("step-3-4.html"));
        assertEquals(List.of("    a();", "", "    epoll.modify(fileno, 0);", "", "    b();"),
                rows.stream().map(r -> r.left().whole()).toList().subList(1, 6));
        assertEquals(List.of("    a();", "    while (true) {", "        epoll.modify(fileno, Epoll.EPOLLET);", "    }",
                "    b();"), rows.stream().map(r -> r.right().whole()).toList().subList(1, 6));
        Row foo = rows.get(3);
        assertEquals(List.of("0"), foo.left().marks());
        assertEquals(List.of("Epoll.EPOLLET"), foo.right().marks());
        assertEquals("    ", foo.right().shift());
    }

    /** A step whose module has not arrived (the appendices, say) is left out, and the others still link up. */
    @Test
    void aStepWhoseModuleIsMissingIsSkipped(@TempDir Path root) throws IOException {
        write(root, "example3-epoll-lt", "class Server {", "}");
        write(root, "example4-epoll-et", "class Server {", "    int edge;", "}");
        write(root, "example6-nodelay", "class Server {", "    int nodelay;", "}");
        Map<String, String> files = StepDiffs.generate(root);
        assertEquals(List.of("diffs.css", "step-3-4.diff", "step-3-4.html", "step-3-6.diff", "step-3-6.html",
                "index.html"), List.copyOf(files.keySet()));
        assertTrue(files.get("step-3-4.html").contains("<a href=\"step-3-6.html\">"));
        assertFalse(files.get("step-3-4.html").contains("step-2-3"));
        assertFalse(files.get("index.html").contains("step-3-5"));
    }

    /** The lineage is data: every step names two modules, and the appendices' steps are among them already. */
    @Test
    void theLineageListsEveryChapterAndTheAppendices() {
        List<String> children = StepDiffs.STEPS.stream().map(StepDiffs.Step::child).toList();
        assertTrue(children.containsAll(StepDiffs.CHAPTERS.subList(1, StepDiffs.CHAPTERS.size())));
        assertTrue(children.containsAll(List.of("appendix-poll", "appendix-select")));
        assertEquals(StepDiffs.STEPS.size(), StepDiffs.STEPS.stream().map(StepDiffs.Step::name).distinct().count());
    }

    /** The index counts each step's lines: chapter 5 is chapter 3 plus two lines, chapter 6 plus one. */
    @Test
    void theIndexCountsEachStepsLines() {
        String index = StepDiffs.generate(ROOT).get("index.html");
        String counts = "<td class=\"count\"><span class=\"plus\">+%d</span> <span class=\"minus\">−%d</span>";
        assertTrue(index.contains("TCP_CORK around the response</td>" + String.format(counts, 2, 0)), index);
        assertTrue(index.contains("TCP_NODELAY on the listening socket</td>" + String.format(counts, 1, 0)), index);
    }

    /** Every word a page shows outside the code and the paths comes from its Words: a second language misses none. */
    @Test
    void everyWordOnThePagesComesFromWords() {
        Map<String, String> titles = new LinkedHashMap<>();
        StepDiffs.STEPS.forEach(step -> titles.put(step.name(), "Qtitle"));
        StepDiffs.Words marked = new StepDiffs.Words("qq", "docs/qq/diffs", "Qa", "Qb", "Qc", "Qd %s %s", "Qsep",
                "Qe", "Qf", "Qg", "Qh", "Qi %d", "Qj", "Qk", "Ql", "Qm", "Qn", "Qo", titles);
        Map<String, String> files = StepDiffs.generate(ROOT, marked);
        for (Map.Entry<String, String> file : files.entrySet()) {
            if (!file.getKey().endsWith(".html")) {
                continue;
            }
            String page = file.getValue();
            assertTrue(page.contains("<html lang=\"qq\">"), file.getKey());
            String shown = text(page.replaceAll("(?s)<!--.*?-->", "").replaceAll("<td class=\"c[^\"]*\">.*?</td>", "")
                    .replaceAll("<th[^>]*>.*?</th>", "")).replaceAll("Q[a-z]+", "")
                    .replaceAll("appendix-[a-z]+", ""); // an appendix's short name is its module's: a path
            assertFalse(shown.matches("(?s).*\\p{L}.*"),
                    file.getKey() + " shows words of its own: " + shown.replaceAll("\\s+", " ").strip());
        }
    }

    /** The unified files are exactly what `make diff` prints for the numbered chapters. */
    @Test
    void theUnifiedDiffIsWhatMakeDiffPrints() throws IOException, InterruptedException {
        Map<String, String> files = StepDiffs.generate(ROOT);
        for (StepDiffs.Step step : StepDiffs.STEPS) {
            if (!StepDiffs.CHAPTERS.contains(step.child())) {
                continue;
            }
            ProcessBuilder make = new ProcessBuilder("make", "-s", "--no-print-directory", "diff",
                    "A=" + (StepDiffs.CHAPTERS.indexOf(step.parent()) + 1),
                    "B=" + (StepDiffs.CHAPTERS.indexOf(step.child()) + 1)).directory(ROOT.toFile());
            make.environment().keySet().removeAll(List.of("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"));
            Process process = make.redirectErrorStream(true).start();
            String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, process.waitFor(), printed);
            assertEquals(printed, files.get(step.name() + ".diff"), step.name());
        }
    }

    /** Keywords, strings, comments (across lines too) and numbers each get their class; the rest stays plain. */
    @Test
    void theJavaIsColouredByKind() {
        List<String> lines = List.of(
                "/** Python's {@code x}",
                " * still a comment */ int n = 0x80000000; // Python's",
                "String s = \"a \\\" b\" + 'c' + 1024;");
        List<String> kinds = List.of(
                "CCCCCCCCCCCCCCCCCCCCCC",
                "CCCCCCCCCCCCCCCCCCCCC.KKK.....NNNNNNNNNN..CCCCCCCCCCC",
                "...........SSSSSSSS...SSS...NNNN.");
        byte[][] syntax = StepDiffs.syntax(lines);
        for (int n = 0; n < lines.size(); n++) {
            StringBuilder shown = new StringBuilder();
            for (byte kind : syntax[n]) {
                shown.append(".KSCN".charAt(kind));
            }
            assertEquals(kinds.get(n), shown.toString(), lines.get(n));
        }
    }

    // ------------------------------------------------------------ the palette on a projector

    /** Relative luminance (WCAG 2) of #rrggbb. */
    static double luminance(String colour) {
        double[] rgb = new double[3];
        for (int k = 0; k < 3; k++) {
            double c = Integer.parseInt(colour.substring(1 + 2 * k, 3 + 2 * k), 16) / 255.0;
            rgb[k] = c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
        }
        return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
    }

    /** WCAG contrast ratio, on a projector whose black is {@code black} of its white (0: a good screen). */
    static double contrast(String a, String b, double black) {
        double la = black + (1 - black) * luminance(a);
        double lb = black + (1 - black) * luminance(b);
        return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
    }

    /** A washed-out projector: its black is 15% of its white (a lit room, an old lamp). */
    private static final double WASHED_OUT = 0.15;

    @Test
    void thePaletteHoldsUpOnAWashedOutProjector() {
        StepDiffs.Palette p = StepDiffs.PALETTE;
        List<String> failures = new ArrayList<>();
        Map<String, String> code = Map.of("text", p.text(), "keyword", p.keyword(), "string", p.string(),
                "comment", p.comment(), "number", p.number());
        Map<String, String> grounds = Map.of("background", p.background(), "removed line", p.removedLine(),
                "added line", p.addedLine());
        Map<String, String[]> pairs = new LinkedHashMap<>();
        code.forEach((name, colour) -> grounds.forEach((ground, back) ->
                pairs.put(name + " on " + ground, new String[] {colour, back})));
        pairs.put("marked words removed", new String[] {p.markText(), p.removed()});
        pairs.put("marked words added", new String[] {p.markText(), p.added()});
        pairs.put("line number", new String[] {p.gutterText(), p.gutter()});
        pairs.put("moved line's number", new String[] {p.moved(), p.gutter()});
        pairs.put("fold", new String[] {p.foldText(), p.fold()});
        // Text: WCAG AAA (7:1) on a good screen, and still 3:1 when the projector washes it out.
        pairs.forEach((name, pair) -> {
            check(failures, name, pair, 0, 7);
            check(failures, name, pair, WASHED_OUT, 3);
        });
        // The signals of a change (bars, solid numbers, marks, the hatch of a moved line) against what surrounds them.
        Map<String, String[]> signals = Map.of(
                "removed against white", new String[] {p.removed(), p.background()},
                "added against white", new String[] {p.added(), p.background()},
                "removed against its line", new String[] {p.removed(), p.removedLine()},
                "added against its line", new String[] {p.added(), p.addedLine()},
                "moved against white", new String[] {p.moved(), p.background()});
        signals.forEach((name, pair) -> check(failures, name, pair, WASHED_OUT, 3));
        assertEquals(List.of(), failures);
    }

    private static void check(List<String> failures, String name, String[] pair, double black, double least) {
        double ratio = contrast(pair[0], pair[1], black);
        if (ratio < least) {
            failures.add(String.format("%s: %s on %s is %.2f:1 %s, under %.0f:1", name, pair[0], pair[1], ratio,
                    black == 0 ? "" : "washed out", least));
        }
    }

    /** The stylesheet is written once, in docs/diffs; every Chinese page links to that file. */
    @Test
    void everyEditionSharesTheOneStylesheet() {
        Map<String, String> chinese = StepDiffs.generate(ROOT, StepDiffs.CHINESE);
        assertFalse(chinese.containsKey("diffs.css"), "the Chinese edition writes no stylesheet of its own");
        String href = StepDiffs.stylesheetHref(StepDiffs.CHINESE);
        assertEquals("../../diffs/diffs.css", href);
        assertTrue(Files.isRegularFile(ROOT.resolve(StepDiffs.CHINESE.folder()).resolve(href).normalize()), href);
        chinese.forEach((name, page) -> assertTrue(!name.endsWith(".html")
                || page.contains("<link rel=\"stylesheet\" href=\"" + href + "\">"), name));
    }

    /** A pale tint is never the only sign of a change: every rule that tints a line also draws a solid bar. */
    @Test
    void aPaleTintIsNeverTheOnlySignal() {
        StepDiffs.Palette p = StepDiffs.PALETTE;
        String css = StepDiffs.generate(ROOT).get("diffs.css");
        List<String[]> tints = List.of(new String[] {p.removedLine(), p.removed()},
                new String[] {p.addedLine(), p.added()});
        for (String[] tint : tints) {
            assertTrue(contrast(tint[0], p.background(), WASHED_OUT) < 1.5, "the tint " + tint[0] + " is pale");
            Matcher rule = Pattern.compile("[^}]*\\{[^}]*background: " + tint[0] + ";[^}]*}").matcher(css);
            int rules = 0;
            while (rule.find()) {
                assertTrue(rule.group().contains("border-left-color: " + tint[1]),
                        "no bar in: " + rule.group().strip());
                rules++;
            }
            assertTrue(rules > 0, "no rule uses " + tint[0]);
        }
        assertTrue(css.contains("td.n.del { background: " + p.removed()), "a removed line's number is solid");
        assertTrue(css.contains("td.n.add { background: " + p.added()), "an added line's number is solid");
    }

    private static void write(Path root, String module, String... lines) throws IOException {
        Path file = root.resolve(StepDiffs.server(module));
        Files.createDirectories(file.getParent());
        Files.write(file, List.of(lines));
    }
}
