package bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where an experiment's output goes: the raw runs as bench/results/NAME.csv,
 * its section of docs/performance.md as bench/results/NAME.md, and one line
 * for the page's summary as NAME.summary.md; the page is assembled from them.
 * The section is also printed to the console.
 */
final class Results {
    static void save(String name, Table raw, String section, String summary) {
        raw.writeCsv(file(name + ".csv"));
        write(file(name + ".md"), section);
        write(file(name + ".summary.md"), summary.strip() + "\n");
        System.out.println();
        System.out.println(section);
    }

    /** Removes the saved results of earlier runs (sections, summaries, CSV files). */
    static void clear() {
        try (var files = Files.list(Harness.RESULTS)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String n = f.getFileName().toString();
                if (n.endsWith(".md") || n.endsWith(".csv")) Files.delete(f);
            }
        } catch (java.nio.file.NoSuchFileException e) {
            // nothing saved yet
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path file(String name) {
        return Harness.RESULTS.resolve(name);
    }

    static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How to re-run one experiment, as the page shows it. */
    static String command(String experiment, Settings s) {
        return "bench/run.sh " + (s.full() ? "--full " : "") + experiment;
    }

    private Results() {}
}
