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

        Table t = new Table("backlog", "req/s", "p50 ms", "p99 ms", "max ms", "errors", "listen overflows", "SYN retransmits");
        Map<String, Double> rate = new LinkedHashMap<>();
        Map<String, Double> p99 = new LinkedHashMap<>();
        for (int b : BACKLOGS) {
            List<Row> reps = rows.get(b);
            if (reps.isEmpty()) continue;
            Spread r = Measure.spread(reps, x -> x.result().rate());
            Spread p = Measure.spread(reps, x -> x.result().ms(99));
            rate.put(Integer.toString(b), r.median());
            p99.put(Integer.toString(b), p.median());
            t.add(b, r, Measure.spread(reps, x -> x.result().ms(50)), p, Measure.spread(reps, x -> x.result().maxMs()),
                    Chapters.errors(reps), Measure.spread(reps, x -> x.delta().listenOverflows()),
                    Measure.spread(reps, x -> x.delta().synRetrans()));
        }
        List<String> categories = rate.keySet().stream().toList();
        if (!categories.isEmpty()) {
            Charts.barsAndLines(Harness.ROOT.resolve("docs").resolve(CHART),
                    "Chapter 3, c=" + CONCURRENCY + ": requests/s and p99 latency against listen backlog", "listen backlog",
                    categories, "requests/s (bars)", Map.of("requests/s", rate), "p99 latency, ms (line, log scale)",
                    Map.of("p99 latency", p99), true);
        }

        StringBuilder md = new StringBuilder("## The listen backlog\n\n");
        md.append("The article's servers call `listen(1)`, and the article says a backlog under 50 makes ab with ")
                .append(CONCURRENCY).append(" concurrent clients suffer. Here chapter 3 runs with each backlog under the same load. ")
                .append("Linux lets backlog + 1 finished handshakes wait for accept(); when that queue is full it drops the ")
                .append("client's SYN (counted in ListenOverflows), and the client sends it again after about 1 s, then 3, 7, 15 s.\n\n");
        md.append("Command: `").append(Results.command(name(), s)).append("`. Each row: `").append(SERVER.shown(0).replaceAll(" 0$", " BACKLOG"))
                .append(" > /dev/null`, a ").append(Table.number(s.warmup())).append(" s warm-up at concurrency min(")
                .append(CONCURRENCY).append(", backlog), then `").append(load.cli()).append("`")
                .append(s.full() ? "; " + s.reps() + " runs per row, median (min–max)" : "").append(".\n\n");
        md.append(t.markdown()).append('\n');
        Chapters.problems(md, problems);
        if (!categories.isEmpty()) md.append("![requests/s and p99 latency against backlog](").append(CHART).append(")\n\n");
        md.append(verdict(rows)).append('\n');
        Results.save(name(), raw, md.toString());
    }

    /** Compares each backlog under 50 with the rows at 50 and above, in plain words. */
    static String verdict(Map<Integer, List<Row>> rows) {
        List<Integer> high = new ArrayList<>();
        List<Integer> low = new ArrayList<>();
        rows.forEach((b, reps) -> {
            if (!reps.isEmpty()) (b >= 50 ? high : low).add(b);
        });
        if (high.isEmpty() || low.isEmpty()) return "Too few rows measured to compare backlogs under 50 with 50 and above.\n";
        double hiRate = Spread.of(high.stream().map(b -> med(rows.get(b), "rate")).toList()).median();
        double hiP99 = Spread.of(high.stream().map(b -> med(rows.get(b), "p99")).toList()).median();
        List<Integer> worse = new ArrayList<>();
        for (int b : low) {
            List<Row> reps = rows.get(b);
            boolean errors = reps.stream().anyMatch(r -> r.result().errors() > 0);
            if (med(reps, "rate") < 0.8 * hiRate || med(reps, "p99") > 2 * hiP99 || errors) worse.add(b);
        }
        StringBuilder md = new StringBuilder();
        md.append("Reading it against the article, with \"worse\" meaning under 80% of the requests/s, more than twice the p99, ")
                .append("or any failed request, compared with the median of the rows at 50 and above (")
                .append(Table.number(hiRate)).append(" req/s, p99 ").append(Table.number(hiP99)).append(" ms):\n\n");
        if (worse.isEmpty()) {
            md.append("- No backlog under 50 did worse here: the claim does not hold on this machine with this server. ");
        } else if (worse.size() == low.size()) {
            md.append("- Every backlog under 50 did worse (").append(list(worse)).append("): the claim holds here. ");
        } else {
            List<Integer> fine = new ArrayList<>(low);
            fine.removeAll(worse);
            md.append("- Backlogs ").append(list(worse)).append(" did worse, ").append(list(fine))
                    .append(" did not: the claim holds here only in part. ");
        }
        md.append("Where it shows, it shows in the tail (p99 and max: requests that waited out a dropped SYN) and as ListenOverflows, ")
                .append("more than in requests per second.\n");
        long hiOverflows = high.stream().mapToLong(b -> rows.get(b).stream().mapToLong(r -> r.delta().listenOverflows()).sum()).sum();
        md.append("- At 50 and above the accept queue overflowed ").append(hiOverflows).append(" times in all")
                .append(hiOverflows == 0 ? ": chapter 3 accepts faster than 100 clients can fill even a queue of 51.\n" : ".\n");
        return md.toString();
    }

    private static double med(List<Row> reps, String what) {
        return Measure.spread(reps, r -> what.equals("rate") ? r.result().rate() : r.result().ms(99)).median();
    }

    private static String list(List<Integer> xs) {
        return xs.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }
}
