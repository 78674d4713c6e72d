package bench;

import static bench.Server.*;
import static bench.Settings.*;

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
    static final List<Server> SERVERS = List.of(CH2, CH3, CH4, CH5, CH6, C_REF, NIO_REF);
    static final List<Server> BARS = List.of(C_REF, CH3, NIO_REF);
    static final int ROUNDS = 3;
    private static final String TWO = "bench.LoadGen, 2 threads";
    private static final String ONE = "bench.LoadGen, 1 thread";

    /** One client's run against the C reference: latencies in ms, CPU in µs per request. */
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
            d.attempt("the bars' servers", () -> Measure.with(BARS, BACKLOG, bars -> rows.addAll(Measure.rounds(bars,
                    r -> Measure.warmUp(r, C, s.warmup(), s.warmupMax()), ROUNDS, load, "", raw))));
            SERVERS.stream().filter(x -> !BARS.contains(x)).forEach(server -> d.attempt(server.label, () ->
                    rows.add(Measure.addRaw(raw, Measure.fresh(server, BACKLOG, load.label(server.name()), s), 0))));
        }
        Table t = new Table("server", "req/s", "p50 ms", "p99 ms", "max ms", "errors", "server CPU µs/req", "user",
                "system", "of which JIT");
        for (Server server : SERVERS) {
            List<Row> r = Measure.of(rows, server);
            d.put(server.name() + ".rate", Spread.median(r, Row::rate));
            if (r.isEmpty()) continue;
            t.add(server.label, Spread.of(r, Row::rate), Spread.of(r, x -> x.result().ms(50)),
                    Spread.of(r, x -> x.result().ms(99)), Spread.of(r, x -> x.result().ms(100)), Measure.errors(r),
                    Measure.cpuCells(r));
        }
        raw.writeCsv(Page.file("throughput.csv"));
        d.put("table", t).put("example", CH3.shown(BACKLOG)).put("load", load.cli()).put("rounds", ROUNDS);
        double ch3Rate = median(rows, CH3, Row::rate);
        double ch2 = median(rows, CH2, Row::rate) / ch3Rate;
        d.put("ch2_vs_ch3", ch2).put("ch2_keeps_up", ch2 >= 0.9 ? "yes" : "no");
        List<ClientRun> runs = against(s, d);
        double ch3 = median(rows, CH3, Row::cpuUs);
        Table bars = new Table("bar", "measured", "target", "verdict");
        int met = bar(bars, "≤ 1.25", "chapter 3 CPU per request / C reference's", ch3,
                        median(rows, C_REF, Row::cpuUs))
                + bar(bars, "≥ 0.9", "chapter 3 req/s / C reference's", ch3Rate, median(rows, C_REF, Row::rate))
                + bar(bars, "≤ 1", "chapter 3 CPU per request / java.nio reference's", ch3,
                        median(rows, NIO_REF, Row::cpuUs))
                + bar(bars, "≥ 1", "load generator req/s / ab's (C reference)", median(runs, TWO, ClientRun::rate),
                        median(runs, "ab", ClientRun::rate));
        d.put("bars.table", bars).put("bars.met", met).put("bars.count", bars.rows().size()).save();
    }

    /** The project's performance bar a / b against its target ("≤ x" or "≥ x"), in {@code t}; 1 if met. */
    private static int bar(Table t, String target, String what, double a, double b) {
        double limit = Double.parseDouble(target.substring(2));
        boolean met = target.startsWith("≤") ? a / b <= limit : a / b >= limit;
        String unit = what.contains("CPU") ? " µs" : "";
        t.add(what, Double.isNaN(a / b) ? "not measured" : Table.number(a / b) + " (" + Table.number(a) + " / "
                + Table.number(b) + unit + ")", target, Double.isNaN(a / b) ? "–" : met ? "met" : "missed");
        return met ? 1 : 0;
    }

    private static double median(List<Row> rows, Server server, ToDoubleFunction<Row> figure) {
        return Spread.median(Measure.of(rows, server), figure);
    }

    private static double median(List<ClientRun> runs, String client, ToDoubleFunction<ClientRun> figure) {
        return Spread.median(runs.stream().filter(x -> x.client().equals(client)).toList(), figure);
    }

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
                    runs.add(new ClientRun(c.threads() == 1 ? ONE : TWO, g.rate(), g.result().ms(50),
                            g.result().ms(99), g.result().ms(100), g.result().errors(), g.us(g.clientTicks()),
                            g.cpuUs()));
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
                .put("ab.one_vs_ab", median(runs, ONE, ClientRun::rate) / ab).put("ab.one_cpu_vs_ab",
                        median(runs, ONE, ClientRun::clientUs) / median(runs, "ab", ClientRun::clientUs));
        return runs;
    }

    private static ClientRun ab(Running server, long n) {
        Measure.Ab ab = Measure.ab(server, C, n);
        long failed = ab.failed();
        long ok = Math.max(1, (long) ab.number("Complete requests:\\s+(\\d+)") - failed);
        return new ClientRun("ab", ab.number("Requests per second:\\s+([0-9.]+)"),
                ab.number("\\n\\s+50%\\s+(\\d+)"), ab.number("\\n\\s+99%\\s+(\\d+)"),
                ab.number("\\n\\s+100%\\s+(\\d+)"), failed, ab.ticks() / Measure.HZ * 1e6 / ok,
                ab.server().total() / Measure.HZ * 1e6 / ok);
    }
}
