package bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The experiments' entry point, used by bench/run.sh: {@code Main [--full] [all | page | EXPERIMENT...]}. "all"
 * (the default) runs every experiment; naming some runs only those. Either way the page is then rendered again
 * from every experiment's saved figures.
 */
public final class Main {
    /** An experiment: runs its rows, saves its raw CSV and its figures for the page ({@link Page.Data}). */
    interface Experiment {
        void run(Settings s) throws IOException;
    }

    static final Map<String, Experiment> EXPERIMENTS = new LinkedHashMap<>();

    static {
        EXPERIMENTS.put("throughput", Throughput::run);
        EXPERIMENTS.put("backlog", Backlog::run);
        EXPERIMENTS.put("scaling", Scaling::run);
        EXPERIMENTS.put("cold", ColdStart::run);
        EXPERIMENTS.put("modes", Modes::run);
        EXPERIMENTS.put("cork", Cork::run);
        EXPERIMENTS.put("nagle", Nagle::run);
    }

    public static void main(String[] args) throws IOException {
        List<String> names = List.of(args);
        Settings s = names.contains("--full") ? Settings.FULL : Settings.QUICK;
        for (String a : names) {
            if (!a.matches("--full|all|page") && !EXPERIMENTS.containsKey(a)) {
                throw Cli.fail("unknown experiment '" + a + "'; known: all, page, " + String.join(", ", EXPERIMENTS.keySet()));
            }
        }
        boolean all = names.stream().allMatch("--full"::equals) || names.contains("all");
        long start = System.nanoTime();
        if (all) {
            Page.clear(); // the page must hold this run's figures only
            Page.machine(s, "make bench" + (s.full() ? " FULL=1" : ""));
        }
        List<String> failed = new ArrayList<>();
        for (var e : EXPERIMENTS.entrySet()) {
            if (!all && !names.contains(e.getKey())) continue;
            System.err.printf(Locale.ROOT, "== %s (%s set, %.0f s so far)%n", e.getKey(), s.name(), (System.nanoTime() - start) / 1e9);
            try {
                e.getValue().run(s);
            } catch (RuntimeException | AssertionError | IOException x) {
                // One broken experiment must not cost the others; the page says it failed.
                failed.add(e.getKey());
                x.printStackTrace();
                new Page.Data(e.getKey(), s).problem("the experiment failed", Page.firstLine(x)).save();
            }
        }
        Page.write(all ? (System.nanoTime() - start) / 60e9 : Double.NaN);
        if (!failed.isEmpty()) {
            System.err.println("bench: failed: " + String.join(", ", failed));
            System.exit(1);
        }
    }

    private Main() {}
}
