package bench;

import static bench.Settings.*;

import bench.Measure.Row;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * backlog: chapter 3 under c=100 with listen backlogs from the article's 1 up to 128, against the article's claim
 * that a backlog under 50 degrades ab with 100 concurrent clients. Says what is seen, whichever way it goes.
 */
final class Backlog {
    static final int[] BACKLOGS = {1, 2, 4, 8, 16, 32, 50, 64, 128};
    /** A reply this slow waited out at least one SYN (or SYN-ACK) retransmit: the first comes after 1 s. */
    static final double SLOW_MS = 900;
    private static final ToDoubleFunction<Row> P99 = r -> r.result().ms(99);
    private static final ToDoubleFunction<Row> MAX = r -> r.result().ms(100);

    static void run(Settings s) {
        Page.Data d = new Page.Data("backlog", s);
        Table raw = Measure.rawTable();
        Map<Integer, List<Row>> rows = new LinkedHashMap<>();
        LoadGen.Config load = LoadGen.Config.of(C).seconds(s.seconds()).deadline(s.deadline());
        for (int rep = 1; rep <= s.reps(); rep++) {
            for (int b : BACKLOGS) {
                d.attempt("backlog " + b, () -> {
                    Row row = Measure.addRaw(raw, Measure.fresh(Server.CH3, b, load.label("backlog " + b), s));
                    rows.computeIfAbsent(b, k -> new ArrayList<>()).add(row);
                });
            }
        }
        Table t = new Table("backlog", "req/s", "p50 ms", "mean ms", "c / (req/s) ms", "p99 ms", "max ms",
                "replies ≥ 0.9 s", "errors", "listen overflows", "SYN retransmits");
        rows.forEach((b, r) -> t.add(b, Spread.of(r, Row::rate), Spread.of(r, y -> y.result().ms(50)),
                Spread.of(r, y -> y.result().latency.getMean() / 1000), Spread.of(r, y -> C * 1000 / y.rate()),
                Spread.of(r, P99), Spread.of(r, MAX), Spread.of(r, y -> y.result().countAtLeastMs(SLOW_MS)),
                Measure.errors(r), Spread.of(r, y -> y.tcp().overflows()), Spread.of(r, y -> y.tcp().synRetrans())));
        raw.writeCsv(Page.file("backlog.csv"));
        d.put("table", t).put("load", load.cli())
                .put("example", Server.CH3.shown(0).replace(" PORT 0", " PORT BACKLOG"));
        if (rows.size() >= 2) {
            double[] xs = rows.keySet().stream().mapToDouble(b -> b).toArray();
            Charts.draw("perf-backlog.png", "Chapter 3, c=" + C + ": requests/s and latency against listen backlog",
                    new Charts.Axis("listen backlog", true), new Charts.Axis("requests/s", false),
                    List.of(new Charts.Line("requests/s", xs, medians(rows, Row::rate), 0, false)),
                    new Charts.Axis("latency of OK replies, ms", true),
                    List.of(new Charts.Line("p99 latency", xs, medians(rows, P99), 1, true),
                            new Charts.Line("max latency", xs, medians(rows, MAX), 3, true)));
            verdict(rows, d);
        }
        d.save();
    }

    private static double[] medians(Map<Integer, List<Row>> rows, ToDoubleFunction<Row> figure) {
        return rows.values().stream().mapToDouble(r -> Spread.median(r, figure)).toArray();
    }

    /**
     * Where the backlog hurt: against the largest backlog measured, a row did worse if its queue overflowed and that
     * cost something (a reply waited out a retransmit, a request failed, the rate fell under 80% or the p99 doubled).
     * Then the article's line at 50: "holds", "partly" or "not-seen".
     */
    static void verdict(Map<Integer, List<Row>> rows, Page.Data d) {
        List<Integer> measured = List.copyOf(rows.keySet());
        int top = measured.get(measured.size() - 1);
        double topRate = Spread.median(rows.get(top), Row::rate);
        double topP99 = Spread.median(rows.get(top), P99);
        Predicate<Integer> overflowed = b -> rows.get(b).stream().anyMatch(r -> r.tcp().overflows() > 0);
        var worse = overflowed.and(b -> b != top && (Spread.median(rows.get(b), Row::rate) < 0.8 * topRate
                || Spread.median(rows.get(b), P99) > 2 * topP99 || rows.get(b).stream()
                .anyMatch(r -> r.result().errors() > 0 || r.result().countAtLeastMs(SLOW_MS) > 0)));
        Predicate<Integer> under50 = b -> b < 50;
        long worseUnder50 = measured.stream().filter(worse.and(under50)).count();
        long allUnder50 = measured.stream().filter(under50).count();
        d.put("top", top).put("top_rate", topRate).put("top_p99", topP99).put("overflowed", list(measured, overflowed))
                .put("not_overflowed", list(measured, overflowed.negate())).put("worse", list(measured, worse))
                .put("worse_under_50", list(measured, worse.and(under50)))
                .put("worse_from_50", list(measured, worse.and(under50.negate())))
                .put("fine_under_50", list(measured, under50.and(worse.negate())))
                .put("claim", worseUnder50 == 0 ? "not-seen" : worseUnder50 < allUnder50 ? "partly" : "holds");
    }

    private static String list(List<Integer> backlogs, Predicate<Integer> test) {
        return String.join(", ", backlogs.stream().filter(test).map(String::valueOf).toList());
    }
}
