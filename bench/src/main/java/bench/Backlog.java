package bench;

import bench.Measure.Row;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * backlog: chapter 3 under c=100 with listen backlogs from the article's 1 up
 * to 128, against the article's claim that a backlog under 50 degrades ab with
 * 100 concurrent clients. Says what is seen, whichever way it goes.
 */
final class Backlog {
    static final int[] BACKLOGS = {1, 2, 4, 8, 16, 32, 50, 64, 128};
    static final int C = 100;
    /** A reply this slow waited out at least one SYN (or SYN-ACK) retransmit: the first comes after 1 s. */
    static final double SLOW_MS = 900;

    static void run(Settings s) {
        Page.Data d = new Page.Data("backlog");
        Table raw = Measure.rawTable();
        Map<Integer, List<Row>> rows = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        LoadGen.Config load = LoadGen.Config.of(C).seconds(s.seconds()).deadline(s.deadline());
        for (int rep = 1; rep <= s.reps(); rep++) {
            for (int b : BACKLOGS) {
                try {
                    Row row = Measure.fresh(Server.CH3, b, load.label("backlog " + b), s, s.warmupMax());
                    rows.computeIfAbsent(b, k -> new ArrayList<>()).add(row);
                    Measure.addRaw(raw, row);
                } catch (RuntimeException | AssertionError e) {
                    problems.add("backlog " + b + ": " + e.getMessage());
                }
            }
        }
        Table t = new Table("backlog", "req/s", "p50 ms", "mean ms", "c / (req/s) ms", "p99 ms", "max ms", "replies ≥ 0.9 s",
                "errors", "listen overflows", "SYN retransmits");
        List<Double> x = new ArrayList<>();
        List<Double> rate = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        List<Double> max = new ArrayList<>();
        for (var e : rows.entrySet()) {
            List<Row> r = e.getValue();
            Spread rt = Spread.of(r, y -> y.result().rate());
            t.add(e.getKey(), rt, Spread.of(r, y -> y.result().ms(50)), Spread.of(r, y -> y.result().latency.getMean() / 1000),
                    Spread.of(r, y -> C * 1000 / y.result().rate()), Spread.of(r, y -> y.result().ms(99)),
                    Spread.of(r, y -> y.result().maxMs()), Spread.of(r, y -> y.result().countAtLeastMs(SLOW_MS)),
                    Throughput.errors(r), Spread.of(r, y -> y.tcp().overflows()), Spread.of(r, y -> y.tcp().synRetrans()));
            x.add((double) e.getKey());
            rate.add(rt.median());
            p99.add(Spread.of(r, y -> y.result().ms(99)).median());
            max.add(Spread.of(r, y -> y.result().maxMs()).median());
        }
        raw.writeCsv(Page.file("backlog.csv"));
        d.put("table", t).put("command", Main.command("backlog", s)).put("example", Server.CH3.shown(0).replace(" PORT 0", " PORT BACKLOG"))
                .put("load", load.cli()).put("problems", Throughput.bullets(problems));
        if (rows.size() < 2) {
            d.save();
            return;
        }
        double[] xs = x.stream().mapToDouble(Double::doubleValue).toArray();
        Charts.draw("perf-backlog.png", "Chapter 3, c=" + C + ": requests/s and latency against listen backlog",
                new Charts.Axis("listen backlog", true), new Charts.Axis("requests/s", false),
                List.of(new Charts.Line("requests/s", xs, array(rate), 0, false)),
                new Charts.Axis("latency of OK replies, ms", true),
                List.of(new Charts.Line("p99 latency", xs, array(p99), 1, true), new Charts.Line("max latency", xs, array(max), 3, true)));
        verdict(rows, d);
        d.save();
    }

    /**
     * Where the backlog hurt: against the largest backlog measured, a row did
     * worse if its queue overflowed and that cost something (a reply waited out
     * a retransmit, a request failed, the rate fell under 80% or the p99
     * doubled). Then the article's line at 50: "holds", "partly" or "not-seen".
     */
    static void verdict(Map<Integer, List<Row>> rows, Page.Data d) {
        List<Integer> measured = new ArrayList<>(rows.keySet());
        int top = measured.get(measured.size() - 1);
        double topRate = Spread.of(rows.get(top), r -> r.result().rate()).median();
        double topP99 = Spread.of(rows.get(top), r -> r.result().ms(99)).median();
        List<Integer> overflowed = new ArrayList<>();
        List<Integer> worse = new ArrayList<>();
        for (int b : measured) {
            List<Row> reps = rows.get(b);
            if (reps.stream().anyMatch(r -> r.tcp().overflows() > 0)) overflowed.add(b);
            boolean cost = reps.stream().anyMatch(r -> r.result().errors() > 0 || r.result().countAtLeastMs(SLOW_MS) > 0)
                    || Spread.of(reps, r -> r.result().rate()).median() < 0.8 * topRate
                    || Spread.of(reps, r -> r.result().ms(99)).median() > 2 * topP99;
            if (b != top && overflowed.contains(b) && cost) worse.add(b);
        }
        List<Integer> under50 = measured.stream().filter(b -> b < 50).toList();
        List<Integer> worseUnder50 = worse.stream().filter(b -> b < 50).toList();
        List<Integer> fine = new ArrayList<>(measured);
        fine.removeAll(overflowed);
        List<Integer> fineUnder50 = new ArrayList<>(under50);
        fineUnder50.removeAll(worseUnder50);
        d.put("top", top).put("top_rate", topRate).put("top_p99", topP99).put("overflowed", list(overflowed))
                .put("not_overflowed", list(fine)).put("worse", list(worse)).put("worse_under_50", list(worseUnder50))
                .put("fine_under_50", list(fineUnder50)).put("worse_from_50", list(worse.stream().filter(b -> b >= 50).toList()))
                .put("claim", worseUnder50.isEmpty() ? "not-seen" : worseUnder50.size() < under50.size() ? "partly" : "holds");
    }

    private static String list(List<Integer> xs) {
        return xs.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }

    static double[] array(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
