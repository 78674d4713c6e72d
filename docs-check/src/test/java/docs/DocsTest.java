package docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The docs checks that `make test` runs: cited lines quote their code, and the step diffs are fresh. */
class DocsTest {
    private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent();

    @Test
    void everyCitedLineQuotesItsCode() {
        Citations.Report report = Citations.checkDocs(ROOT);
        if (!report.failures().isEmpty()) {
            fail(report.failures().size() + " docs note(s) no longer match the code they cite;"
                    + " fix the line numbers or the quotes:\n  " + String.join("\n  ", report.failures()));
        }
        for (int n = 1; n <= 4; n++) {
            Path server = ROOT.resolve(StepDiffs.server(n));
            long cited = report.notes().stream().filter(note -> note.file().equals(server)).count();
            assertTrue(cited >= 10, "chapter " + n + "'s walkthrough should cite " + server + " line by line; "
                    + cited + " notes do");
        }
        // Chapters 5 and 6 are chapter 3 plus a TCP option: their pages explain every line they add and
        // point to chapter 3 for the rest.
        for (int n = 5; n <= 6; n++) {
            Path server = ROOT.resolve(StepDiffs.server(n));
            for (int added : addedLines(StepDiffs.unified(ROOT, StepDiffs.server(3), StepDiffs.server(n), 0))) {
                assertTrue(report.notes().stream().anyMatch(note -> note.file().equals(server)
                                && note.from() <= added && added <= note.to()),
                        "chapter " + n + " adds line " + added + " to chapter 3; its walkthrough should explain it in a note");
            }
        }
    }

    /**
     * Every relative link of every page (docs/, the root README) leads to a file that exists,
     * and an anchor to a heading of that page, as GitHub makes anchors: lower case, spaces
     * to hyphens, punctuation dropped.
     */
    @Test
    void everyRelativeLinkLeadsSomewhere() throws IOException {
        List<Path> pages = new java.util.ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> walk = Files.walk(ROOT.resolve("docs"))) {
            walk.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        java.util.regex.Pattern link = java.util.regex.Pattern.compile("\\]\\(([^)\\s]+)\\)");
        List<String> broken = new java.util.ArrayList<>();
        for (Path page : pages) {
            List<String> lines = Files.readAllLines(page);
            for (int i = 0; i < lines.size(); i++) {
                java.util.regex.Matcher m = link.matcher(lines.get(i));
                while (m.find()) {
                    String target = m.group(1);
                    if (target.matches("^[a-z]+:.*")) {
                        continue; // http:, https:, mailto:
                    }
                    String file = target.replaceFirst("#.*$", "");
                    String anchor = target.contains("#") ? target.substring(target.indexOf('#') + 1) : null;
                    Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
                    String where = ROOT.relativize(page) + ":" + (i + 1) + ": " + target;
                    if (!Files.exists(resolved)) {
                        broken.add(where + " (no such file)");
                    } else if (anchor != null && resolved.toString().endsWith(".md") && !anchors(resolved).contains(anchor)) {
                        broken.add(where + " (no such heading)");
                    }
                }
            }
        }
        assertTrue(broken.isEmpty(), "broken links:\n  " + String.join("\n  ", broken));
    }

    /**
     * The Chinese edition: every page of docs/ has a twin in docs/zh/ (the generated performance
     * page too), each links to the other, and a twin's notes cite exactly the lines its English page
     * cites, so the two editions cannot drift apart. docs/zh/ is checked like docs/ for the rest.
     */
    @Test
    void everyPageHasAChineseTwinCitingTheSameLines() throws IOException {
        Citations.Report report = Citations.checkDocs(ROOT);
        List<String> problems = new java.util.ArrayList<>();
        try (Stream<Path> english = Files.list(ROOT.resolve("docs"))) {
            for (Path page : english.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
                Path twin = ROOT.resolve("docs/zh").resolve(page.getFileName());
                String name = page.getFileName().toString();
                if (!Files.exists(twin)) {
                    problems.add("docs/" + name + " has no Chinese twin docs/zh/" + name);
                    continue;
                }
                if (!Files.readString(page).contains("](zh/" + name + ")")) {
                    problems.add("docs/" + name + " does not link to its Chinese twin (zh/" + name + ")");
                }
                if (!Files.readString(twin).contains("](../" + name + ")")) {
                    problems.add("docs/zh/" + name + " does not link to its English twin (../" + name + ")");
                }
                java.util.function.Function<Path, List<String>> cited = p -> report.notes().stream()
                        .filter(n -> n.page().equals(p))
                        .map(n -> ROOT.relativize(n.file()) + ":" + n.from() + "-" + n.to()).sorted().toList();
                List<String> mine = cited.apply(page);
                List<String> theirs = cited.apply(twin);
                if (!mine.equals(theirs)) {
                    List<String> missing = new java.util.ArrayList<>(mine);
                    missing.removeAll(theirs);
                    List<String> extra = new java.util.ArrayList<>(theirs);
                    extra.removeAll(mine);
                    problems.add("docs/zh/" + name + " cites other lines than docs/" + name + ": missing " + missing
                            + ", not in the English page " + extra);
                }
            }
        }
        assertTrue(problems.isEmpty(), "the Chinese edition:\n  " + String.join("\n  ", problems));
    }

    /** The anchors GitHub gives a page's headings. */
    static java.util.Set<String> anchors(Path page) throws IOException {
        java.util.Set<String> anchors = new java.util.HashSet<>();
        for (String line : Files.readAllLines(page)) {
            if (line.startsWith("#")) {
                String text = line.replaceFirst("^#+\\s*", "").strip().toLowerCase(java.util.Locale.ROOT);
                anchors.add(text.replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
            }
        }
        return anchors;
    }

    /** The new-side line numbers of the lines a unified diff adds. */
    static List<Integer> addedLines(String unified) {
        List<Integer> added = new java.util.ArrayList<>();
        int line = 0;
        for (String text : unified.split("\n")) {
            if (text.startsWith("@@")) {
                java.util.regex.Matcher hunk = java.util.regex.Pattern.compile("\\+(\\d+)").matcher(text);
                hunk.find();
                line = Integer.parseInt(hunk.group(1));
            } else if (text.startsWith("+") && !text.startsWith("+++")) {
                added.add(line++);
            } else if (text.startsWith(" ")) {
                line++;
            }
        }
        return added;
    }

    @Test
    void theStepDiffsInDocsAreFresh() throws IOException {
        StringBuilder stale = new StringBuilder();
        for (StepDiffs.Words edition : StepDiffs.LANGUAGES) {
            Map<String, String> expected = StepDiffs.generate(ROOT, edition);
            Path folder = ROOT.resolve(edition.folder());
            TreeSet<String> present = new TreeSet<>();
            if (Files.isDirectory(folder)) {
                try (Stream<Path> files = Files.list(folder)) {
                    files.forEach(file -> present.add(file.getFileName().toString()));
                }
            }
            String where = "\n  " + edition.folder() + "/";
            for (Map.Entry<String, String> file : expected.entrySet()) {
                Path written = folder.resolve(file.getKey());
                if (!Files.isRegularFile(written)) {
                    stale.append(where).append(file.getKey()).append(" is missing");
                } else if (!Files.readString(written).equals(file.getValue())) {
                    stale.append(where).append(file.getKey()).append(" differs from what the chapters give now");
                }
            }
            present.removeAll(expected.keySet());
            present.forEach(extra -> stale.append(where).append(extra).append(" is not a step diff any more"));
        }
        if (stale.length() > 0) {
            fail("the step diffs in docs are stale: run `make docs` and commit the result." + stale);
        }
    }

    /**
     * Every exercise of every page (English and Chinese) has its answer folded in a
     * {@code <details>} block, and every {@code make lab L=NAME} a page tells a student to
     * run names a lab that exists.
     */
    @Test
    void everyExerciseHasAFoldedAnswerAndEveryLabNamedExists() throws IOException {
        java.util.regex.Pattern item = java.util.regex.Pattern.compile("\\d+\\. .*");
        java.util.regex.Pattern lab = java.util.regex.Pattern.compile("make lab L=(\\d[\\w-]*)");
        List<String> problems = new java.util.ArrayList<>();
        List<Path> pages = new java.util.ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> walk = Files.walk(ROOT.resolve("docs"))) {
            walk.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        int exercises = 0;
        for (Path page : pages) {
            List<String> lines = Files.readAllLines(page);
            String name = ROOT.relativize(page).toString();
            boolean inExercises = false;
            int start = -1;
            for (int i = 0; i <= lines.size(); i++) {
                String line = i < lines.size() ? lines.get(i) : "## end";
                java.util.regex.Matcher named = lab.matcher(line);
                while (named.find()) {
                    if (!Files.exists(ROOT.resolve("labs/" + named.group(1) + ".patch"))) {
                        problems.add(name + ":" + (i + 1) + ": no lab " + named.group(1));
                    }
                }
                boolean heading = line.startsWith("## ");
                if ((heading || item.matcher(line).matches()) && inExercises && start >= 0) {
                    exercises++;
                    if (lines.subList(start, i).stream().noneMatch(l -> l.contains("<details>"))) {
                        problems.add(name + ":" + (start + 1) + ": an exercise without a folded answer (<details>)");
                    }
                }
                if (heading) {
                    inExercises = line.equals("## Exercises") || line.equals("## 练习");
                    start = -1;
                } else if (inExercises && item.matcher(line).matches()) {
                    start = i;
                }
            }
        }
        assertTrue(exercises >= 40, "exercises found: " + exercises + "; is the heading still ## Exercises / ## 练习?");
        assertTrue(problems.isEmpty(), String.join("\n  ", problems));
    }

    /**
     * Browsers show a line break inside a paragraph as a space, which is a stray gap between two Chinese
     * characters: the Chinese pages break lines only after punctuation or next to ASCII.
     */
    @Test
    void chinesePagesNeverBreakALineBetweenTwoChineseCharacters() throws IOException {
        java.util.regex.Pattern han = java.util.regex.Pattern.compile("\\p{IsHan}");
        java.util.regex.Pattern ownLine = java.util.regex.Pattern.compile("\\s*([-*>|#]|\\d+\\.|```|<!--).*");
        List<String> gaps = new java.util.ArrayList<>();
        try (Stream<Path> pages = Files.list(ROOT.resolve("docs/zh"))) {
            for (Path page : pages.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
                List<String> lines = Files.readAllLines(page);
                boolean inCode = false;
                for (int i = 0; i + 1 < lines.size(); i++) {
                    String line = lines.get(i);
                    String next = lines.get(i + 1);
                    inCode ^= line.startsWith("```");
                    if (inCode || line.isEmpty() || next.isBlank() || ownLine.matcher(next).matches()) {
                        continue;
                    }
                    String last = line.substring(line.length() - 1);
                    String first = next.strip().substring(0, 1);
                    if (han.matcher(last).matches() && han.matcher(first).matches()) {
                        gaps.add("docs/zh/" + page.getFileName() + ":" + (i + 1) + ": …" + last + " / " + first + "…");
                    }
                }
            }
        }
        assertTrue(gaps.isEmpty(), "a line break between two Chinese characters (join the lines):\n  "
                + String.join("\n  ", gaps));
    }

    /** The check itself: a note that drifted from its line is reported with the page, the line and both texts. */
    @Test
    void aNoteThatDriftedIsReported(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("docs"));
        Files.write(root.resolve("Code.java"), List.of("class Code {", "    int answer = 42;", "}"));
        Files.write(root.resolve("docs/page.md"), List.of(
                "> File: [Code.java](../Code.java)",
                "- Line 2: `int answer = 42;` — holds.",
                "- Lines 1-2: `class Code {` `answer` — holds.",
                "- Line 3: `int answer` — drifted.",
                "- Lines 1-3: `class Code` `answer` — the range grew.",
                "- Line 2 with no code at all",
                "The answer is on line 2; the article's example 3, line 31, is exempt; line 7 is not covered."));
        Files.write(root.resolve("docs/other.md"), List.of("Prose with line 4 and no declared file."));
        Citations.Report report = Citations.checkDocs(root);
        assertEquals(4, report.notes().size());
        assertEquals(List.of(
                "docs/other.md:1: \"line 4\" in prose, with no `> File:` declared above it: cite the line with a note"
                        + " (`Line N of [name](path): `code` — ...`) or name the code instead",
                "docs/page.md:4: line 3 of Code.java: expected `int answer` on line 3, found `}` (the quote is on line 2 now)",
                "docs/page.md:5: lines 1-3 of Code.java: expected `answer` on line 3, found `}` (the quote is on line 2 now)",
                "docs/page.md:6: a note must read `Line N: `code` — ...` or `Lines N-M: `code` ... — ...`"
                        + " (the code in backticks, right after the colon), not: - Line 2 with no code at all",
                "docs/page.md:7: \"line 7\" in prose: no note on this page covers line 7 of Code.java (did the code move?)"),
                report.failures());
    }
}
