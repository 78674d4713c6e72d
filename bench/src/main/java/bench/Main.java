package bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The experiments' entry point, used by bench/run.sh:
 * {@code Main [--full] [all | page | EXPERIMENT...]}. "all" runs every
 * experiment and then writes docs/performance.md; naming experiments runs
 * only those (their sections are saved; "page" re-assembles the page).
 */
public final class Main {
    static final List<Experiment> EXPERIMENTS = List.of(new Chapters(), new Backlog(), new Idle(), new Cork(), new Nagle(), new Modes());

    public static void main(String[] args) {
        Settings s = Settings.QUICK;
        List<String> names = new ArrayList<>();
        for (String a : args) {
            if (a.equals("--full")) {
                s = Settings.FULL;
            } else if (a.equals("all") || a.equals("page") || EXPERIMENTS.stream().anyMatch(e -> e.name().equals(a))) {
                names.add(a);
            } else {
                throw Cli.fail("unknown experiment '" + a + "'; known: all, page, "
                        + String.join(", ", EXPERIMENTS.stream().map(Experiment::name).toList()));
            }
        }
        if (names.isEmpty()) names.add("all");
        long start = System.nanoTime();
        boolean all = names.contains("all");
        if (all) {
            Results.clear(); // the page must hold this run's figures only
            Page.writeMachine(s);
        }
        List<String> failed = new ArrayList<>();
        for (Experiment e : EXPERIMENTS) {
            if (all || names.contains(e.name())) {
                System.err.printf(Locale.ROOT, "== %s (%s set, %.0f s so far)%n", e.name(), s.name(), (System.nanoTime() - start) / 1e9);
                try {
                    e.run(s);
                } catch (RuntimeException x) {
                    // One broken experiment must not cost the others; the page says "Not run" for it.
                    failed.add(e.name());
                    x.printStackTrace();
                }
            }
        }
        if (all || names.contains("page")) Page.write(EXPERIMENTS, s, all ? (System.nanoTime() - start) / 60e9 : Double.NaN);
        if (!failed.isEmpty()) {
            System.err.println("bench: failed: " + String.join(", ", failed));
            System.exit(1);
        }
    }

    private Main() {}
}
