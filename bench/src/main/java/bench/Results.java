package bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where an experiment's output goes: the raw runs as bench/results/NAME.csv,
 * and its section of docs/performance.md as bench/results/NAME.md, which the
 * page is assembled from. The section is also printed to the console.
 */
final class Results {
    static void save(String name, Table raw, String section) {
        raw.writeCsv(file(name + ".csv"));
        write(file(name + ".md"), section);
        System.out.println();
        System.out.println(section);
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
