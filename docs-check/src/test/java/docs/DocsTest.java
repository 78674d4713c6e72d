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
        for (int n = 1; n <= StepDiffs.CHAPTERS.size(); n++) {
            Path server = ROOT.resolve(StepDiffs.server(n));
            long cited = report.notes().stream().filter(note -> note.file().equals(server)).count();
            assertTrue(cited >= 10, "chapter " + n + "'s walkthrough should cite " + server + " line by line; "
                    + cited + " notes do");
        }
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
                "- Line 2 with no code at all"));
        Citations.Report report = Citations.checkDocs(root);
        assertEquals(4, report.notes().size());
        assertEquals(List.of(
                "docs/page.md:4: line 3 of Code.java: expected `int answer` on line 3, found `}` (the quote is on line 2 now)",
                "docs/page.md:5: lines 1-3 of Code.java: expected `answer` on line 3, found `}` (the quote is on line 2 now)",
                "docs/page.md:6: a note must read `Line N: `code` — ...` or `Lines N-M: `code` ... — ...`"
                        + " (the code in backticks, right after the colon), not: - Line 2 with no code at all"),
                report.failures());
    }
}
