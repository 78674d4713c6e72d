package bench;

import static bench.Server.C_REF;
import static bench.Server.CH3;
import static bench.Server.NIO_REF;

import bench.Measure.Row;
import bench.Server.Running;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import testkit.ChapterProcess;

/**
 * throughput: chapters 2 to 6 and the two references under 100 concurrent
 * short clients (backlog 128); the load generator against ab; the project's
 * performance bars, whose three servers run side by side, measured in turns.
 */
final class Throughput {
    static final List<Server> SERVERS = List.of(Server.CH2, CH3, Server.CH4, Server.CH5, Server.CH6, C_REF, NIO_REF);
    static final List<Server> BARS = List.of(C_REF, CH3, NIO_REF);
    static final int C = 100;
    static final int BACKLOG = 128;
    static final int ROUNDS = 3;

    /** One client run against the C reference, for the generator-against-ab table. */
    record ClientRun(String client, double rate, double p50, double p99, double max, long failed, double clientUs, double serverUs) {}

    static void run(Settings s) {
        Page.Data d = new Page.Data("throughput");
        Table raw = Measure.rawTable("round");
        Map<Server, List<Row>> rows = new EnumMap<>(Server.class);
        List<String> problems = new ArrayList<>();
        LoadGen.Config load = LoadGen.Config.of(C).seconds(s.seconds()).deadline(s.deadline());
        for (int rep = 1; rep <= s.reps(); rep++) {
            List<Running> bars = new ArrayList<>();
            try {
                for (Server server : BARS) bars.add(server.start(BACKLOG));
                List<Double> warm = new ArrayList<>();
                for (Running r : bars) warm.add(Measure.warmUp(r, C, s.warmup(), s.warmupMax()));
                for (int round = 1; round <= ROUNDS; round++) {
                    for (int i = 0; i < bars.size(); i++) {
                        Row row = Measure.run(bars.get(i), load.label(bars.get(i).server().name()), warm.get(i));
                        rows.computeIfAbsent(row.server(), k -> new ArrayList<>()).add(row);
                        Measure.addRaw(raw, row, round);
                    }
                }
            } catch (RuntimeException | AssertionError e) {
                problems.add("the bars' servers: " + e.getMessage());
            } finally {
                bars.forEach(Running::close);
            }
            for (Server server : SERVERS) {
                if (BARS.contains(server)) continue;
                try {
                    Row row = Measure.fresh(server, BACKLOG, load.label(server.name()), s, s.warmupMax());
                    rows.computeIfAbsent(server, k -> new ArrayList<>()).add(row);
                    Measure.addRaw(raw, row, 0);
                } catch (RuntimeException | AssertionError e) {
                    if (rep == 1) problems.add(server.label + ": " + e.getMessage());
                }
            }
        }
        Table t = new Table("server", "req/s", "p50 ms", "p99 ms", "max ms", "errors", "server CPU µs/req", "user", "system",
                "of which JIT");
        for (Server server : SERVERS) {
            List<Row> r = rows.getOrDefault(server, List.of());
            if (r.isEmpty()) continue;
            t.add(server.label, Spread.of(r, x -> x.result().rate()), Spread.of(r, x -> x.result().ms(50)),
                    Spread.of(r, x -> x.result().ms(99)), Spread.of(r, x -> x.result().maxMs()), errors(r),
                    Spread.of(r, Row::cpuUs), Spread.of(r, x -> x.us(x.cpu().user())),
                    Spread.of(r, x -> x.us(x.cpu().sys())), Spread.of(r, x -> x.us(x.cpu().jit())));
        }
        raw.writeCsv(Page.file("throughput.csv"));
        d.put("table", t).put("command", Main.command("throughput", s)).put("example", CH3.shown(BACKLOG))
                .put("load", load.cli()).put("rounds", ROUNDS).put("problems", bullets(problems));
        for (Server server : SERVERS) {
            d.put(server.name() + ".rate", median(rows, server, x -> x.result().rate()))
                    .put(server.name() + ".p50", median(rows, server, x -> x.result().ms(50)))
                    .put(server.name() + ".cpu", median(rows, server, Row::cpuUs));
        }
        double ch2 = median(rows, Server.CH2, x -> x.result().rate()) / median(rows, CH3, x -> x.result().rate());
        d.put("ch2_vs_ch3", ch2).put("ch2_keeps_up", ch2 >= 0.9 ? "yes" : "no");
        bars(rows, against(s, d), d);
        d.save();
    }

    /** The load generator against ApacheBench on one C reference server, in turns; returns the two req/s medians. */
    private static double[] against(Settings s, Page.Data d) {
        long n = s.full() ? 100_000 : 20_000;
        LoadGen.Config gen = LoadGen.Config.of(C).requests(n).label("generator vs ab");
        String abCli = "ab -q -c " + C + " -n " + n + " http://127.0.0.1:PORT/";
        d.put("ab.gen", gen.cli()).put("ab.cli", abCli);
        Table raw = new Table("client", "req_per_s", "p50_ms", "p99_ms", "max_ms", "failed", "client_cpu_us_per_req",
                "server_cpu_us_per_req");
        List<ClientRun> runs = new ArrayList<>();
        try (Running r = C_REF.start(BACKLOG)) {
            double warm = Measure.warmUp(r, C, s.warmup(), s.warmupMax());
            for (int rep = 1; rep <= s.reps(); rep++) {
                for (LoadGen.Config c : List.of(gen, gen.threads(1))) {
                    Row g = Measure.run(r, c, warm);
                    runs.add(new ClientRun("bench.LoadGen, " + c.threads() + (c.threads() == 1 ? " thread" : " threads"),
                            g.result().rate(), g.result().ms(50), g.result().ms(99), g.result().maxMs(), g.result().errors(),
                            g.us(g.clientTicks()), g.cpuUs()));
                }
                runs.add(ab(r, n));
            }
        } catch (RuntimeException | AssertionError e) {
            d.put("ab.problem", e.getMessage());
        }
        Table t = new Table("client", "req/s", "p50 ms", "p99 ms", "max ms", "failed", "client CPU µs/req", "server CPU µs/req");
        for (String client : runs.stream().map(ClientRun::client).distinct().toList()) {
            List<ClientRun> c = runs.stream().filter(x -> x.client().equals(client)).toList();
            t.add(client, Spread.of(c, ClientRun::rate), Spread.of(c, ClientRun::p50), Spread.of(c, ClientRun::p99),
                    Spread.of(c, ClientRun::max), Spread.of(c, x -> x.failed()), Spread.of(c, ClientRun::clientUs),
                    Spread.of(c, ClientRun::serverUs));
        }
        runs.forEach(x -> raw.add(x.client(), x.rate(), x.p50(), x.p99(), x.max(), x.failed(), x.clientUs(), x.serverUs()));
        raw.writeCsv(Page.file("throughput-ab.csv"));
        String two = "bench.LoadGen, 2 threads";
        String one = "bench.LoadGen, 1 thread";
        d.put("ab.table", t).put("ab.two_vs_ab", median(runs, two, ClientRun::rate) / median(runs, "ab", ClientRun::rate))
                .put("ab.one_vs_ab", median(runs, one, ClientRun::rate) / median(runs, "ab", ClientRun::rate))
                .put("ab.one_cpu_vs_ab", median(runs, one, ClientRun::clientUs) / median(runs, "ab", ClientRun::clientUs));
        return new double[] {median(runs, two, ClientRun::rate), median(runs, "ab", ClientRun::rate)};
    }

    private static double median(List<ClientRun> runs, String client, ToDoubleFunction<ClientRun> f) {
        List<ClientRun> c = runs.stream().filter(x -> x.client().equals(client)).toList();
        return c.isEmpty() ? Double.NaN : Spread.of(c, f).median();
    }

    /** One ab run with both processes' CPU time; the shell reports ab's once ab is reaped (its cutime and cstime). */
    private static ClientRun ab(Running server, long n) {
        Measure.Cpu before = Measure.cpu(server.pid());
        ChapterProcess.Finished f = ChapterProcess.run(Duration.ofMinutes(10), List.of("sh", "-c",
                "ab -q -c " + C + " -n " + n + " http://127.0.0.1:" + server.port() + "/ && cat /proc/$$/stat"));
        if (f.exitCode() != 0) throw new IllegalStateException("ab failed: " + f.stderr().strip());
        long serverTicks = Measure.cpu(server.pid()).minus(before).total();
        String out = f.stdout();
        String stat = out.strip().lines().reduce((a, b) -> b).orElseThrow();
        long abTicks = testkit.Proc.statField(stat, 16) + testkit.Proc.statField(stat, 17);
        long ok = Math.max(1, (long) number(out, "Complete requests:\\s+(\\d+)") - (long) number(out, "Failed requests:\\s+(\\d+)"));
        return new ClientRun("ab", number(out, "Requests per second:\\s+([0-9.]+)"), number(out, "\\n\\s+50%\\s+(\\d+)"),
                number(out, "\\n\\s+99%\\s+(\\d+)"), number(out, "\\n\\s+100%\\s+(\\d+)"), (long) number(out, "Failed requests:\\s+(\\d+)"),
                abTicks / Measure.HZ * 1e6 / ok, serverTicks / Measure.HZ * 1e6 / ok);
    }

    private static double number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        if (!m.find()) throw new IllegalStateException("ab output lacks /" + regex + "/:\n" + text);
        return Double.parseDouble(m.group(1));
    }

    /** The project's performance bars, each side measured in this run under the same load. */
    private static void bars(Map<Server, List<Row>> rows, double[] genAndAb, Page.Data d) {
        double ch3 = median(rows, CH3, Row::cpuUs);
        double c = median(rows, C_REF, Row::cpuUs);
        double nio = median(rows, NIO_REF, Row::cpuUs);
        double ch3Rate = median(rows, CH3, x -> x.result().rate());
        double cRate = median(rows, C_REF, x -> x.result().rate());
        Table t = new Table("bar", "measured", "target", "verdict");
        int met = bar(t, "chapter 3 CPU per request / C reference's", ch3, c, " µs", "≤ 1.25", ch3 / c <= 1.25)
                + bar(t, "chapter 3 req/s / C reference's", ch3Rate, cRate, "", "≥ 0.9", ch3Rate / cRate >= 0.9)
                + bar(t, "chapter 3 CPU per request / java.nio reference's", ch3, nio, " µs", "≤ 1", ch3 / nio <= 1)
                + bar(t, "load generator req/s / ab's (C reference)", genAndAb[0], genAndAb[1], "", "≥ 1", genAndAb[0] / genAndAb[1] >= 1);
        d.put("bars.table", t).put("bars.met", met).put("bars.count", t.rows().size());
    }

    private static int bar(Table t, String what, double a, double b, String unit, String target, boolean met) {
        boolean measured = !Double.isNaN(a / b);
        t.add(what, measured ? Table.number(a / b) + " (" + Table.number(a) + " / " + Table.number(b) + unit + ")" : "not measured",
                target, measured ? met ? "met" : "missed" : "–");
        return measured && met ? 1 : 0;
    }

    static double median(Map<Server, List<Row>> rows, Server server, ToDoubleFunction<Row> f) {
        List<Row> r = rows.getOrDefault(server, List.of());
        return r.isEmpty() ? Double.NaN : Spread.of(r, f).median();
    }

    /** All errors of a row's runs, by kind. */
    static String errors(List<Row> reps) {
        LoadGen.Result sum = new LoadGen.Result();
        reps.forEach(r -> sum.add(r.result()));
        return sum.errorSummary() + (reps.size() > 1 && sum.errors() > 0 ? " (" + reps.size() + " runs)" : "");
    }

    /** Problems as a Markdown list, or "" when there are none (a template's {{#key}} then hides it). */
    static String bullets(List<String> problems) {
        return String.join("\n", problems.stream().map(p -> "- " + p.lines().findFirst().orElse("")).toList());
    }
}
