package bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import testkit.Cli;

/** The entry point of bench/run.sh: {@code Main [--full] [all (the default) | page (render only) | EXPERIMENT...]}. */
public final class Main {
    public static void main(String[] args) throws IOException {
        List<String> names = List.of(args);
        Settings s = names.contains("--full") ? Settings.FULL : Settings.QUICK;
        Map<String, Page.Part> experiments = new LinkedHashMap<>();
        experiments.put("throughput", () -> Throughput.run(s));
        experiments.put("backlog", () -> Backlog.run(s));
        experiments.put("scaling", () -> Scaling.run(s));
        experiments.put("cold", () -> ColdStart.run(s));
        experiments.put("modes", () -> Modes.run(s));
        experiments.put("cork", () -> Cork.run(s));
        experiments.put("nagle", () -> Nagle.run(s));
        String known = "known: all, page, " + String.join(", ", experiments.keySet());
        names.stream().filter(a -> !a.matches("--full|all|page") && !experiments.containsKey(a)).findFirst()
                .ifPresent(a -> Cli.fail("unknown experiment '" + a + "'; " + known));
        boolean all = names.stream().allMatch("--full"::equals) || names.contains("all");
        if (!all) experiments.keySet().retainAll(names);
        long start = System.nanoTime();
        if (all) Page.start(s, "make bench" + (s.full() ? " FULL=1" : ""));
        List<String> failed = new ArrayList<>();
        for (var e : experiments.entrySet()) {
            double seconds = (System.nanoTime() - start) / 1e9;
            System.err.printf(Locale.ROOT, "== %s (%s set, %.0f s so far)%n", e.getKey(), s.name(), seconds);
            try {
                e.getValue().run();
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
