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
}
