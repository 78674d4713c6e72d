package bench;

import bench.Harness.Server;
import bench.Measure.Row;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * backlog: chapter 3 under c=100 with listen backlogs from the article's 1 up
 * to 128. Tests the article's claim that a backlog under 50 degrades ab with
 * 100 concurrent clients, and says what is seen, whichever way it goes.
 */
final class Backlog implements Experiment {
    static final int[] BACKLOGS = {1, 2, 4, 8, 16, 32, 50, 64, 128};
    static final int CONCURRENCY = 100;
    static final Server SERVER = Server.CH3;
    static final String CHART = "perf-backlog.png";
    /** A reply this slow waited out at least one SYN (or SYN-ACK) retransmit: the first comes after 1 s. */
    static final double SLOW_MS = 900;

    @Override
    public String name() {
        return "backlog";
    }

    @Override
    public void run(Settings s) {
        Table raw = Measure.rawTable();
        Map<Integer, List<Row>> rows = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        LoadGen.Config load = LoadGen.Config.forDuration(0, CONCURRENCY, s.seconds(), s.deadline(), "");
        for (int b : BACKLOGS) rows.put(b, new ArrayList<>());
        if (SERVER.missing() != null) problems.add(SERVER.label + ": not built (missing " + SERVER.missing() + ")");
        for (int rep = 1; rep <= s.reps() && problems.isEmpty(); rep++) {
            for (int b : BACKLOGS) {
                try {
                    LoadGen.Config c = new LoadGen.Config(load.target(), CONCURRENCY, 0, load.durationNanos(),
                            load.deadlineNanos(), load.threads(), "backlog " + b, true);
                    Row row = Measure.load(SERVER, b, rep, c, s);
                    rows.get(b).add(row);
                    Measure.addRaw(raw, row);
                } catch (RuntimeException e) {
                    problems.add("backlog " + b + ": " + e.getMessage());
                }
            }
        }

        Table t = new Table("backlog", "req/s", "p50 ms", "p99 ms", "max ms", "replies ≥ 0.9 s", "errors", "listen overflows", "SYN retransmits");
        Map<String, Double> rate = new LinkedHashMap<>();
        Map<String, Double> p99 = new LinkedHashMap<>();
        Map<String, Double> max = new LinkedHashMap<>();
        for (int b : BACKLOGS) {
            List<Row> reps = rows.get(b);
            if (reps.isEmpty()) continue;
            Spread r = Measure.spread(reps, x -> x.result().rate());
            Spread p = Measure.spread(reps, x -> x.result().ms(99));
            Spread m = Measure.spread(reps, x -> x.result().maxMs());
            rate.put(Integer.toString(b), r.median());
            p99.put(Integer.toString(b), p.median());
            max.put(Integer.toString(b), m.median());
            t.add(b, r, Measure.spread(reps, x -> x.result().ms(50)), p, m, Measure.spread(reps, x -> x.result().countAtLeastMs(SLOW_MS)),
                    Chapters.errors(reps), Measure.spread(reps, x -> x.delta().listenOverflows()),
                    Measure.spread(reps, x -> x.delta().synRetrans()));
        }
        List<String> categories = rate.keySet().stream().toList();
        if (!categories.isEmpty()) {
            Charts.barsAndLines(Harness.ROOT.resolve("docs").resolve(CHART),
                    "Chapter 3, c=" + CONCURRENCY + ": requests/s and latency against listen backlog", "listen backlog",
                    categories, "requests/s (bars)", Map.of("requests/s", rate), "latency of OK replies, ms (lines, log scale)",
                    lines(p99, max), true);
        }

        StringBuilder md = new StringBuilder("## The listen backlog\n\n");
        md.append("The article's servers call `listen(1)`, and the article says a backlog under 50 makes ab with ")
                .append(CONCURRENCY).append(" concurrent clients suffer. Here chapter 3 runs with each backlog under the same load. ")
                .append("Linux lets backlog + 1 finished handshakes wait for accept(); when that queue is full it drops the ")
                .append("client's SYN (counted in ListenOverflows), and the client sends it again after about 1 s, then 3, 7, 15 s.\n\n");
        md.append("Command: `").append(Results.command(name(), s)).append("`. Each row: `").append(SERVER.shown(0).replaceAll(" 0$", " BACKLOG"))
                .append(" > /dev/null`, a warm-up at concurrency min(")
                .append(CONCURRENCY).append(", backlog), then `").append(load.cli()).append("`")
                .append(s.full() ? "; " + s.reps() + " runs per row, median (min–max)" : "").append(".\n\n");
        md.append(t.markdown()).append('\n');
        Chapters.problems(md, problems);
        if (!categories.isEmpty()) md.append("![requests/s, p99 and max latency against backlog](").append(CHART).append(")\n\n");
        String verdict = verdict(rows);
        md.append(verdict).append('\n');
        String claim = verdict.lines().filter(l -> l.startsWith("- The article's claim")).findFirst().orElse("")
                .replaceFirst("^- The article's claim, that a backlog under 50 degrades 100 concurrent clients: ", "");
        Results.save(name(), raw, md.toString(), "**Listen backlog** (chapter 3, c=" + CONCURRENCY
                + "): the article's claim that a backlog under 50 degrades 100 clients " + claim.replaceFirst("\\. The damage.*", "."));
    }

    /**
     * Says in plain words where the backlog hurt: against the largest backlog
     * measured, a row did worse if its queue overflowed and that cost something
     * (a reply waited out a retransmit, a request failed, the rate fell under 80%
     * or the p99 doubled). Then compares that with the article's line at 50.
     */
    static String verdict(Map<Integer, List<Row>> rows) {
        List<Integer> measured = rows.keySet().stream().filter(b -> !rows.get(b).isEmpty()).toList();
        if (measured.size() < 2) return "Too few rows measured to compare backlogs.\n";
        int top = measured.get(measured.size() - 1);
        double topRate = med(rows.get(top), "rate");
        double topP99 = med(rows.get(top), "p99");
        List<Integer> overflowed = new ArrayList<>();
        List<Integer> worse = new ArrayList<>();
        for (int b : measured) {
            List<Row> reps = rows.get(b);
            if (reps.stream().anyMatch(r -> r.delta().listenOverflows() > 0)) overflowed.add(b);
            boolean cost = reps.stream().anyMatch(r -> r.result().errors() > 0 || r.result().countAtLeastMs(SLOW_MS) > 0)
                    || med(reps, "rate") < 0.8 * topRate || med(reps, "p99") > 2 * topP99;
            if (b != top && overflowed.contains(b) && cost) worse.add(b);
        }
        List<Integer> under50 = measured.stream().filter(b -> b < 50).toList();
        List<Integer> worseUnder50 = worse.stream().filter(b -> b < 50).toList();
        List<Integer> worseFrom50 = worse.stream().filter(b -> b >= 50).toList();
        StringBuilder md = new StringBuilder("What it shows, each row against backlog ").append(top).append(" (")
                .append(Table.number(topRate)).append(" req/s, p99 ").append(Table.number(topP99)).append(" ms):\n\n");
        md.append("- The accept queue overflowed at backlog ").append(overflowed.isEmpty() ? "none" : list(overflowed))
                .append(measured.stream().filter(b -> !overflowed.contains(b)).findAny().isPresent()
                        ? " and not at " + list(measured.stream().filter(b -> !overflowed.contains(b)).toList()) : "")
                .append(". With ").append(CONCURRENCY).append(" clients connecting at once, a queue shorter than ")
                .append(CONCURRENCY).append(" can overflow whenever the server falls behind for a moment.\n");
        md.append("- Rows that paid for it (a reply waited out a retransmit, a request hit the deadline, the rate fell under 80% ")
                .append("or the p99 doubled): ").append(worse.isEmpty() ? "none" : "backlog " + list(worse)).append(".\n");
        md.append("- The article's claim, that a backlog under 50 degrades 100 concurrent clients: ");
        if (worseUnder50.isEmpty()) {
            md.append("not seen here; no backlog under 50 did worse.");
        } else if (worseUnder50.size() < under50.size()) {
            List<Integer> fine = new ArrayList<>(under50);
            fine.removeAll(worseUnder50);
            md.append("holds in part: ").append(list(worseUnder50)).append(" did worse, ").append(list(fine)).append(" did not.");
        } else {
            md.append("holds for every backlog under 50.");
        }
        if (!worseFrom50.isEmpty()) {
            md.append(" But 50 is no threshold here: ").append(list(worseFrom50))
                    .append(" did worse too. What matters is the backlog against the number of clients that connect at once.");
        }
        md.append(" The damage is in the tail (replies that waited a second or more, requests that failed), more than in requests per second; ")
                .append("p99 covers OK replies only, so at the smallest backlogs, where the slow requests tend to fail outright, it can look better than at 8 or 16.\n");
        return md.toString();
    }

    private static Map<String, Map<String, Double>> lines(Map<String, Double> p99, Map<String, Double> max) {
        Map<String, Map<String, Double>> lines = new LinkedHashMap<>();
        lines.put("p99 latency", p99);
        lines.put("max latency", max);
        return lines;
    }

    private static double med(List<Row> reps, String what) {
        return Measure.spread(reps, r -> what.equals("rate") ? r.result().rate() : r.result().ms(99)).median();
    }

    private static String list(List<Integer> xs) {
        return xs.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }
}
