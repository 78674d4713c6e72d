package docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pictures in docs/ are rendered from their current .dot sources; checked without Graphviz. */
class DiagramsTest {
    private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent();

    @Test
    void everyDiagramIsRenderedFromItsSourceAsItIsNow() {
        assertTrue(!Diagrams.sources(ROOT).isEmpty(), "no diagram sources found under docs/: the check would check nothing");
        List<String> problems = Diagrams.check(ROOT);
        if (!problems.isEmpty()) {
            fail(problems.size() + " picture problem(s) in docs/:\n  " + String.join("\n  ", problems));
        }
    }

    /** The check itself, on a made-up tree: each way a picture can go wrong is reported once. */
    @Test
    void staleMissingOrphanedAndMixedLanguagePicturesAreReported(@TempDir Path root) throws IOException {
        Path diagrams = Files.createDirectories(root.resolve("docs/diagrams"));
        Path fresh = Files.writeString(diagrams.resolve("fresh.dot"), "digraph { a -> b }\n");
        Files.writeString(diagrams.resolve("fresh.svg"), Diagrams.stamped(fresh, "<?xml version=\"1.0\"?>\n<svg/>\n"));
        Path edited = Files.writeString(diagrams.resolve("edited.dot"), "digraph { a -> b }\n");
        Files.writeString(diagrams.resolve("edited.svg"), Diagrams.stamped(edited, "<svg/>\n"));
        Files.writeString(edited, "digraph { a -> c }\n");
        Files.writeString(diagrams.resolve("unrendered.dot"), "digraph { x }\n");
        Files.writeString(diagrams.resolve("screenshot.svg"), "<svg/>\n");
        Path mixed = Files.writeString(diagrams.resolve("mixed.dot"), "digraph { a [label=\"接受队列\"] }\n");
        Files.writeString(diagrams.resolve("mixed.svg"), Diagrams.stamped(mixed, "<svg/>\n"));
        Path zh = Files.createDirectories(root.resolve("docs/zh/diagrams"));
        Path translated = Files.writeString(zh.resolve("fresh.dot"), "digraph { a [label=\"接受队列\"] }\n");
        Files.writeString(zh.resolve("fresh.svg"), Diagrams.stamped(translated, "<svg/>\n"));
        Files.writeString(root.resolve("docs/page.md"), "![fresh](diagrams/fresh.svg)\n\n![gone](diagrams/gone.svg)\n");

        assertEquals(List.of(
                "docs/diagrams/edited.svg is stale: it was not rendered from edited.dot as it is now:"
                        + " run `make diagrams` and commit both",
                "docs/diagrams/mixed.dot: Chinese labels belong in docs/zh/diagrams/mixed.dot, one language per file",
                "docs/diagrams/unrendered.dot: no unrendered.svg next to it: run `make diagrams`",
                "docs/diagrams/screenshot.svg: no screenshot.dot to render it from;"
                        + " pictures are drawn from text kept in the repository",
                "docs/page.md:3: the picture diagrams/gone.svg does not exist"),
                Diagrams.check(root));
    }

    @Test
    void theStampSitsAfterTheXmlDeclarationAndNamesTheSourcesSha256(@TempDir Path root) throws IOException {
        Path source = Files.writeString(root.resolve("x.dot"), "digraph { }\n");
        String svg = Diagrams.stamped(source, "<?xml version=\"1.0\"?>\n<svg/>\n");
        // sha256 of "digraph { }\n", as `sha256sum x.dot` prints it
        assertEquals("<?xml version=\"1.0\"?>\n<!-- rendered from x.dot sha256 "
                + "367a66cd5e87005724b76abd5bd9286be2dc0994a79ad90037557a1e14b8abb1 by make diagrams -->\n<svg/>\n", svg);
    }
}
