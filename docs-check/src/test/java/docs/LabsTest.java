package docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every lab still applies to its chapter and still does what it says: the tests it names
 * as failing fail against the patched copy, and those it names as passing pass. The
 * chapters' tests are compiled by now: Maven builds the chapters before docs-check.
 */
class LabsTest {
    private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent();

    @TestFactory
    Stream<DynamicTest> everyLabStillDoesWhatItSays() {
        return Labs.all(ROOT).stream().map(lab -> dynamicTest(lab.name(), () -> {
            Labs.Run run = Labs.run(ROOT, lab, Labs.CHECK_PATIENCE);
            assertTrue(run.asDocumented(), () -> "labs/" + lab.name() + ".patch no longer does what it says: "
                    + String.join("; ", run.surprises()));
        }));
    }

    @Test
    void theTableOfLabsIsFresh() throws IOException {
        for (Path page : List.of(ROOT.resolve("docs/labs.md"), ROOT.resolve("docs/zh/labs.md"))) {
            if (Files.exists(page) || page.toString().endsWith("docs/labs.md")) {
                String text = Files.readString(page);
                assertEquals(Labs.withTable(text, Labs.all(ROOT), page.toString().contains("/zh/")), text,
                        ROOT.relativize(page) + ": the table of labs is stale: run `make docs` and commit the result");
            }
        }
    }

    @Test
    void everyChapterHasLabs() {
        Set<String> chapters = new TreeSet<>();
        Labs.all(ROOT).forEach(lab -> chapters.add(lab.chapter()));
        assertEquals(Set.of("1", "2", "3", "4", "5", "6"), chapters, "chapters with at least one lab");
    }

    @Test
    void aLabFileReadsAsHeaderThenDiff(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("9-example.patch");
        Files.write(file, List.of("Chapter: 3", "Question: Why?", "Symptom: It breaks", "  on two lines.",
                "Fails: someTest", "Passes: otherTest", "", "--- a/x", "+++ b/x", "@@ -1 +1 @@", "-a", "+b"));
        Labs.Lab lab = Labs.parse(file);
        assertEquals("9-example", lab.name());
        assertEquals("It breaks on two lines.", lab.text().get("Symptom"));
        assertEquals(List.of("someTest"), lab.fails());
        assertEquals(List.of("otherTest"), lab.passes());
        assertTrue(lab.diff().startsWith("--- a/x\n"), lab.diff());
    }
    /** A Chinese value goes on over lines like an English one, but its lines join without a space between characters. */
    @Test
    void chineseContinuationLinesJoinWithoutASpace(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("9-example.patch");
        Files.write(file, List.of("Chapter: 3", "Question: Why?", "Question-zh: 为什么会",
                "  这样？", "Symptom: Every call", "  returns.", "Symptom-zh: 每次调用", "  `epoll_wait` 都立即返回，",
                "  `recv` 返回 0。", "Fails: someTest", "--- a/x", "+++ b/x", "@@ -1 +1 @@", "-a", "+b"));
        Labs.Lab lab = Labs.parse(file);
        assertEquals("为什么会这样？", lab.text("Question", true));
        assertEquals("每次调用 `epoll_wait` 都立即返回，`recv` 返回 0。", lab.text("Symptom", true));
        assertEquals("Every call returns.", lab.text("Symptom", false));
    }

    /** `make lab ZH=1` wraps Chinese at 100 columns too: two columns a character, never before a closing mark. */
    @Test
    void chineseWrapsBetweenCharacters() {
        String text = "症状：" + "一二三四五六七八九，".repeat(12) + "见 `strace -f` 的输出。";
        String wrapped = Labs.wrap(text);
        assertEquals(text, wrapped.replace("\n", ""));
        List<String> lines = wrapped.lines().toList();
        assertTrue(lines.size() > 2, wrapped);
        for (String line : lines) {
            int columns = line.codePoints().map(c -> c < 0x1100 ? 1 : 2).sum();
            assertTrue(columns <= 100, columns + " columns: " + line);
            assertTrue(!line.startsWith("，"), "a line starts with a comma: " + line);
        }
        String english = "word ".repeat(40).strip();
        assertEquals(String.join(" ", java.util.Collections.nCopies(20, "word")) + "\n"
                + String.join(" ", java.util.Collections.nCopies(20, "word")), Labs.wrap(english));
    }
}
