package bench;

import static bench.Server.C_REF;
import static bench.Server.CH3;
import static bench.Server.NIO_REF;

import bench.Measure.Row;
import bench.Server.Running;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;

/**
 * throughput: chapters 2 to 6 and the two references under 100 concurrent short clients (backlog 128); the load
 * generator against ab; the project's performance bars, whose three servers run side by side, measured in turns.
 */
final class Throughput {
    static final List<Server> SERVERS = List.of(Server.CH2, CH3, Server.CH4, Server.CH5, Server.CH6, C_REF, NIO_REF);
    static final List<Server> BARS = List.of(C_REF, CH3, NIO_REF);
    static final int C = 100;
    static final int BACKLOG = 128;
    static final int ROUNDS = 3;
    private static final String TWO = "bench.LoadGen, 2 threads";
    private static final String ONE = "bench.LoadGen, 1 thread";

    /** One client's run against the C reference, for the generator-against-ab table. */
    record ClientRun(String client, double rate, double p50, double p99, double max, long failed, double clientUs,
                     double serverUs) {
        List<Number> figures() {
            return List.of(rate, p50, p99, max, failed, clientUs, serverUs);
        }
    }

    static void run(Settings s) {
        Page.Data d = new Page.Data("throughput", s);
        Table raw = Measure.rawTable("round");
        List<Row> rows = new ArrayList<>();
        LoadGen.Config load = LoadGen.Config.of(C).seconds(s.seconds()).deadline(s.deadline());
        for (int rep = 1; rep <= s.reps(); rep++) {
            List<Running> bars = new ArrayList<>();
            d.attempt("the bars' servers", () -> {
                try {
                    for (Server server : BARS) bars.add(server.start(BACKLOG));
                    List<Double> warm = new ArrayList<>();
                    for (Running r : bars) warm.add(Measure.warmUp(r, C, s.warmup(), s.warmupMax()));
                    for (int round = 1; round <= ROUNDS; round++) {
                        for (int i = 0; i < bars.size(); i++) {
                            Row row = Measure.run(bars.get(i), load.label(bars.get(i).server().name()), warm.get(i));
                            rows.add(Measure.addRaw(raw, row, round));
                        }
                    }
                } finally {
                    bars.forEach(Running::close);
                }
            });
            for (Server server : SERVERS) {
                if (BARS.contains(server)) continue;
                d.attempt(server.label, () -> {
                    rows.add(Measure.addRaw(raw, Measure.fresh(server, BACKLOG, load.label(server.name()), s), 0));
                });
            }
        }
        Table t = new Table("server", "req/s", "p50 ms", "p99 ms", "max ms", "errors", "server CPU µs/req", "user",
                "system", "of which JIT");
        for (Server server : SERVERS) {
            List<Row> r = Measure.of(rows, server);
            if (!r.isEmpty()) {
                t.add(server.label, Spread.of(r, Row::rate), Spread.of(r, x -> x.result().ms(50)),
                        Spread.of(r, x -> x.result().ms(99)), Spread.of(r, x -> x.result().ms(100)), Measure.errors(r),
                        Measure.cpuCells(r));
            }
            d.put(server.name() + ".rate", Spread.median(r, Row::rate))
                    .put(server.name() + ".p50", Spread.median(r, x -> x.result().ms(50)))
                    .put(server.name() + ".cpu", Spread.median(r, Row::cpuUs));
        }
        raw.writeCsv(Page.file("throughput.csv"));
        d.put("table", t).put("example", CH3.shown(BACKLOG)).put("load", load.cli()).put("rounds", ROUNDS);
        double ch3Rate = median(rows, CH3, Row::rate);
        double cRate = median(rows, C_REF, Row::rate);
        double ch2 = median(rows, Server.CH2, Row::rate) / ch3Rate;
        d.put("ch2_vs_ch3", ch2).put("ch2_keeps_up", ch2 >= 0.9 ? "yes" : "no");
        List<ClientRun> runs = against(s, d);
        double gen = median(runs, TWO, ClientRun::rate);
        double ab = median(runs, "ab", ClientRun::rate);
        double ch3 = median(rows, CH3, Row::cpuUs);
        double c = median(rows, C_REF, Row::cpuUs);
        double nio = median(rows, NIO_REF, Row::cpuUs);
        Table bars = new Table("bar", "measured", "target", "verdict");
        int met = bar(bars, "chapter 3 CPU per request / C reference's", ch3, c, " µs", "≤ 1.25", ch3 / c <= 1.25)
                + bar(bars, "chapter 3 req/s / C reference's", ch3Rate, cRate, "", "≥ 0.9", ch3Rate / cRate >= 0.9)
                + bar(bars, "chapter 3 CPU per request / java.nio reference's", ch3, nio, " µs", "≤ 1", ch3 / nio <= 1)
                + bar(bars, "load generator req/s / ab's (C reference)", gen, ab, "", "≥ 1", gen / ab >= 1);
        d.put("bars.table", bars).put("bars.met", met).put("bars.count", bars.rows().size()).save();
    }

    /** The project's performance bar a / b, in {@code t}; 1 if met. */
    private static int bar(Table t, String what, double a, double b, String unit, String target, boolean met) {
        boolean measured = !Double.isNaN(a / b);
        t.add(what, measured ? Table.number(a / b) + " (" + Table.number(a) + " / " + Table.number(b) + unit + ")"
                : "not measured", target, measured ? met ? "met" : "missed" : "–");
        return measured && met ? 1 : 0;
    }

    private static double median(List<Row> rows, Server server, ToDoubleFunction<Row> figure) {
        return Spread.median(Measure.of(rows, server), figure);
    }

    private static double median(List<ClientRun> runs, String client, ToDoubleFunction<ClientRun> figure) {
        return Spread.median(runs.stream().filter(x -> x.client().equals(client)).toList(), figure);
    }

    /** The load generator against ApacheBench on one C reference server, in turns. */
    private static List<ClientRun> against(Settings s, Page.Data d) {
        long n = s.full() ? 100_000 : 20_000;
        LoadGen.Config gen = LoadGen.Config.of(C).requests(n).label("generator vs ab");
        d.put("ab.gen", gen.cli()).put("ab.cli", "ab -q -c " + C + " -n " + n + " http://127.0.0.1:PORT/");
        List<ClientRun> runs = new ArrayList<>();
        try (Running r = C_REF.start(BACKLOG)) {
            double warm = Measure.warmUp(r, C, s.warmup(), s.warmupMax());
            for (int rep = 1; rep <= s.reps(); rep++) {
                for (LoadGen.Config c : List.of(gen, gen.threads(1))) {
                    Row g = Measure.run(r, c, warm);
                    runs.add(new ClientRun(c.threads() == 1 ? ONE : TWO, g.rate(), g.result().ms(50), g.result().ms(99),
                            g.result().ms(100), g.result().errors(), g.us(g.clientTicks()), g.cpuUs()));
                }
                runs.add(ab(r, n));
            }
        } catch (RuntimeException | AssertionError e) {
            d.put("ab.problem", e.getMessage());
        }
        Table t = new Table("client", "req/s", "p50 ms", "p99 ms", "max ms", "failed", "client CPU µs/req",
                "server CPU µs/req");
        Table raw = new Table("client", "req_per_s", "p50_ms", "p99_ms", "max_ms", "failed", "client_cpu_us_per_req",
                "server_cpu_us_per_req");
        for (String client : runs.stream().map(ClientRun::client).distinct().toList()) {
            List<ClientRun> c = runs.stream().filter(x -> x.client().equals(client)).toList();
            t.add(client, IntStream.range(0, 7).mapToObj(i -> Spread.of(c, x -> x.figures().get(i).doubleValue()))
                    .toList());
        }
        runs.forEach(x -> raw.add(x.client(), x.figures()));
        raw.writeCsv(Page.file("throughput-ab.csv"));
        double ab = median(runs, "ab", ClientRun::rate);
        d.put("ab.table", t).put("ab.two_vs_ab", median(runs, TWO, ClientRun::rate) / ab)
                .put("ab.one_vs_ab", median(runs, ONE, ClientRun::rate) / ab)
                .put("ab.one_cpu_vs_ab", median(runs, ONE, ClientRun::clientUs) / median(runs, "ab", ClientRun::clientUs));
        return runs;
    }

    /** One ab run with both processes' CPU time. */
    private static ClientRun ab(Running server, long n) {
        Measure.Cpu before = Measure.cpu(server.pid());
        Measure.Ab ab = Measure.ab(server.port(), C, n);
        long serverTicks = Measure.cpu(server.pid()).minus(before).total();
        long failed = (long) ab.number("Failed requests:\\s+(\\d+)");
        long ok = Math.max(1, (long) ab.number("Complete requests:\\s+(\\d+)") - failed);
        return new ClientRun("ab", ab.number("Requests per second:\\s+([0-9.]+)"), ab.number("\\n\\s+50%\\s+(\\d+)"),
                ab.number("\\n\\s+99%\\s+(\\d+)"), ab.number("\\n\\s+100%\\s+(\\d+)"), failed,
                ab.ticks() / Measure.HZ * 1e6 / ok, serverTicks / Measure.HZ * 1e6 / ok);
    }
}
