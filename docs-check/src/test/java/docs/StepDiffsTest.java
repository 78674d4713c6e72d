package docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the step pages promise: the lineage is data, a missing module waits, every word comes from Words. */
class StepDiffsTest {
    private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent();

    /** The text a browser shows for a piece of the page. */
    static String text(String html) {
        return html.replaceAll("<[^>]*>", "").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                .replace("&amp;", "&");
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

    /** Every word a page shows outside the code and the paths comes from its Words: a second language misses none. */
    @Test
    void everyWordOnThePagesComesFromWords() {
        Map<String, String> titles = new LinkedHashMap<>();
        StepDiffs.STEPS.forEach(step -> titles.put(step.name(), "Qtitle"));
        StepDiffs.Words marked = new StepDiffs.Words("qq", "docs/qq/diffs", "Qa", "Qb", "Qc", "Qd %s %s", "Qe", "Qf",
                "Qg", "Qh", "Qi %d", titles);
        Map<String, String> files = StepDiffs.generate(ROOT, marked);
        for (Map.Entry<String, String> file : files.entrySet()) {
            if (!file.getKey().endsWith(".html")) {
                continue;
            }
            String page = file.getValue();
            assertTrue(page.contains("<html lang=\"qq\">"), file.getKey());
            String shown = text(page.replaceAll("(?s)<!--.*?-->", "")
                    .replaceAll("<td class=\"(?:|del|add)\">.*?</td>", "").replaceAll("<th[^>]*>.*?</th>", ""))
                    .replaceAll("Q[a-z]+", "");
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

    private static void write(Path root, String module, String... lines) throws IOException {
        Path file = root.resolve(StepDiffs.server(module));
        Files.createDirectories(file.getParent());
        Files.write(file, List.of(lines));
    }
}
