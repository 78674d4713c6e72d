package bench;

import bench.Harness.Running;
import bench.Harness.Server;
import bench.Measure.Row;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * chapters: every chapter from 2 on and the two references at c=100, with the
 * article's backlog 1 and with 128; then the load generator against ab on the
 * C reference, and the performance bars.
 */
final class Chapters implements Experiment {
    static final Server[] SERVERS = {Server.CH2, Server.CH3, Server.CH4, Server.CH5, Server.CH6, Server.C_REF, Server.NIO_REF};
    /** The servers the performance bars compare at backlog 128: measured in interleaved rounds. */
    static final List<Server> BAR_SERVERS = List.of(Server.C_REF, Server.CH3, Server.NIO_REF);
    static final int BAR_ROUNDS = 3;
    static final int[] BACKLOGS = {1, 128};
    static final int STEADY_BACKLOG = 128;
    static final int CONCURRENCY = 100;

    @Override
    public String name() {
        return "chapters";
    }

    @Override
    public void run(Settings s) {
        Table raw = Measure.rawTable();
        Map<String, List<Row>> rows = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        LoadGen.Config load = LoadGen.Config.forDuration(0, CONCURRENCY, s.seconds(), s.deadline(), "");
        for (int rep = 1; rep <= s.reps(); rep++) {
            for (int backlog : BACKLOGS) {
                if (backlog == STEADY_BACKLOG) barRounds(s, rep, load, rows, raw, problems);
                for (Server server : SERVERS) {
                    String key = server + "/" + backlog;
                    rows.computeIfAbsent(key, k -> new ArrayList<>());
                    if (backlog == STEADY_BACKLOG && BAR_SERVERS.contains(server)) continue; // measured above
                    if (server.missing() != null) {
                        if (rep == 1) problems.add(server.label + ": not built (missing " + server.missing() + ")");
                        continue;
                    }
                    try {
                        // The bars compare the backlog-128 rows: those warm up until the JIT is quiet.
                        Row row = Measure.load(server, backlog, rep, label(load, server, backlog), s,
                                backlog == STEADY_BACKLOG ? s.steadyMax() : s.warmupMax());
                        rows.get(key).add(row);
                        Measure.addRaw(raw, row);
                    } catch (RuntimeException e) {
                        problems.add(server.label + ", backlog " + backlog + ": " + e.getMessage());
                    }
                }
            }
        }
        Versus versus = Versus.run(s);

        Table t = new Table("server", "backlog", "req/s", "p50 ms", "p99 ms", "max ms", "errors", "server CPU µs/req",
                "of which JIT", "listen overflows");
        for (int backlog : BACKLOGS) {
            for (Server server : SERVERS) {
                List<Row> reps = rows.get(server + "/" + backlog);
                if (reps.isEmpty()) {
                    t.add(server.label, backlog, null, null, null, null, "not measured", null, null, null);
                    continue;
                }
                t.add(server.label, backlog, Measure.spread(reps, r -> r.result().rate()),
                        Measure.spread(reps, r -> r.result().ms(50)), Measure.spread(reps, r -> r.result().ms(99)),
                        Measure.spread(reps, r -> r.result().maxMs()), errors(reps),
                        Measure.spread(reps, Row::serverCpuUs), Measure.spread(reps, Row::jitCpuUs),
                        Measure.spread(reps, r -> r.delta().listenOverflows()));
            }
        }
        StringBuilder md = new StringBuilder();
        md.append("## Chapters and references under load\n\n");
        md.append("Each chapter from 2 on, and the two reference servers written for the bench, at ")
                .append(CONCURRENCY).append(" concurrent clients, with the article's `listen(1)` and with a backlog of 128. ")
                .append("A fresh connection per request, HTTP/1.0, as ab does.\n\n");
        md.append("Command: `").append(Results.command(name(), s)).append("`. Each row: a fresh server, e.g. `")
                .append(Server.CH3.shown(128)).append(" > /dev/null`, a warm-up, then `").append(load.cli()).append("`")
                .append(s.full() ? "; each row run " + s.reps() + " times, shown as median (min–max)" : "")
                .append(". The three servers the performance bars compare (chapter 3 and the references, backlog 128) run side by ")
                .append("side and are measured in turns, ").append(BAR_ROUNDS).append(" rounds")
                .append(s.full() ? " per run" : "").append(", shown as median (min–max).\n\n");
        md.append(t.markdown()).append('\n');
        problems(md, problems);
        md.append(observations(rows));
        md.append(versus.markdown(s));
        Table bars = bars(rows, versus);
        md.append("### The performance bars\n\nBoth sides of each ratio were measured in this run, on this machine, under the same load "
                + "(backlog 128, c=" + CONCURRENCY + "), as medians of the interleaved rounds. On a shared 2-core machine a ratio "
                + "near its target can still fall either way from run to run; `make bench FULL=1` takes the median of "
                + Settings.FULL.reps() * BAR_ROUNDS + " rounds.\n\n")
                .append(bars.markdown()).append('\n');
        long met = bars.rows().stream().filter(r -> r[3].equals("met")).count();
        String summary = "**Performance bars:** " + met + " of " + bars.rows().size() + " met in this run: "
                + String.join("; ", bars.rows().stream().map(r -> r[0] + " " + r[1] + ", target " + r[2] + ": " + r[3]).toList()) + ".";
        Results.save(name(), raw, md.toString(), summary);
        versus.raw().writeCsv(Results.file("chapters-ab.csv"));
    }

    /**
     * The bars' servers side by side: all three started and warmed until their
     * JIT is quiet, then measured in turns, {@link #BAR_ROUNDS} rounds, so a
     * change in the machine's background load hits each of them alike.
     */
    private static void barRounds(Settings s, int rep, LoadGen.Config load, Map<String, List<Row>> rows, Table raw,
                                  List<String> problems) {
        List<Running> running = new ArrayList<>();
        List<Double> warm = new ArrayList<>();
        try {
            for (Server server : BAR_SERVERS) {
                rows.computeIfAbsent(server + "/" + STEADY_BACKLOG, k -> new ArrayList<>());
                if (server.missing() != null) {
                    if (rep == 1) problems.add(server.label + ": not built (missing " + server.missing() + ")");
                    continue;
                }
                Running r = Harness.start(server, STEADY_BACKLOG);
                running.add(r);
                warm.add(Measure.warmUp(r, CONCURRENCY, s.warmup(), s.steadyMax()));
            }
            for (int round = 1; round <= BAR_ROUNDS; round++) {
                for (int i = 0; i < running.size(); i++) {
                    Running r = running.get(i);
                    Row row = Measure.measure(r, (rep - 1) * BAR_ROUNDS + round, label(load, r.server(), STEADY_BACKLOG),
                            Counters.timeWait(), warm.get(i));
                    rows.get(r.server() + "/" + STEADY_BACKLOG).add(row);
                    Measure.addRaw(raw, row);
                }
            }
        } catch (RuntimeException e) {
            problems.add("the bars' servers at backlog " + STEADY_BACKLOG + ": " + e.getMessage());
        } finally {
            running.forEach(Running::close);
        }
    }

    private static LoadGen.Config label(LoadGen.Config c, Server server, int backlog) {
        return new LoadGen.Config(c.target(), c.concurrency(), c.requests(), c.durationNanos(), c.deadlineNanos(),
                c.threads(), server.name().toLowerCase() + " backlog " + backlog, c.progress());
    }

    /** All errors of a row's runs, by kind. */
    static String errors(List<Row> reps) {
        LoadGen.Result sum = new LoadGen.Result();
        reps.forEach(r -> sum.add(r.result()));
        String text = sum.errorSummary();
        return reps.size() > 1 && !text.equals("none") ? text + " (" + reps.size() + " runs)" : text;
    }

    static void problems(StringBuilder md, List<String> problems) {
        if (problems.isEmpty()) return;
        md.append("Not measured:\n\n");
        problems.forEach(p -> md.append("- ").append(p).append('\n'));
        md.append('\n');
    }

    private static double median(Map<String, List<Row>> rows, Server server, int backlog, java.util.function.ToDoubleFunction<Row> f) {
        List<Row> reps = rows.get(server + "/" + backlog);
        return reps == null || reps.isEmpty() ? Double.NaN : Measure.spread(reps, f).median();
    }

    private static String observations(Map<String, List<Row>> rows) {
        StringBuilder md = new StringBuilder("What the table shows:\n\n");
        for (Server server : SERVERS) {
            double fast = median(rows, server, 128, r -> r.result().rate());
            double slow = median(rows, server, 1, r -> r.result().rate());
            double slowMax = median(rows, server, 1, r -> r.result().maxMs());
            double fastMax = median(rows, server, 128, r -> r.result().maxMs());
            if (Double.isNaN(fast) || Double.isNaN(slow)) continue;
            md.append(String.format(Locale.ROOT, "- %s: %s req/s with backlog 1 against %s with 128 (%s); slowest request %s ms against %s ms.%n",
                    server.label, Table.number(slow), Table.number(fast), percent(slow / fast),
                    Table.number(slowMax), Table.number(fastMax)));
        }
        md.append("- The server's CPU time per request (user + system time of all its threads, from /proc/PID/stat, ")
                .append("divided by the OK replies) separates the servers where requests per second cannot: ")
                .append("on 2 cores the generator and the server share the machine. \"Of which JIT\" is the part spent by ")
                .append("the JVM's JIT compiler threads, still compiling if the warm-up did not outlast them.\n\n");
        return md.toString();
    }

    static String percent(double ratio) {
        return Double.isNaN(ratio) ? "–" : String.format(Locale.ROOT, "%.0f%%", ratio * 100);
    }

    private static Table bars(Map<String, List<Row>> rows, Versus versus) {
        double ch3Cpu = median(rows, Server.CH3, 128, Row::serverCpuUs);
        double cCpu = median(rows, Server.C_REF, 128, Row::serverCpuUs);
        double nioCpu = median(rows, Server.NIO_REF, 128, Row::serverCpuUs);
        double ch3Rate = median(rows, Server.CH3, 128, r -> r.result().rate());
        double cRate = median(rows, Server.C_REF, 128, r -> r.result().rate());
        Table t = new Table("bar", "measured", "target", "verdict");
        bar(t, "chapter 3 CPU per request / C reference's", ch3Cpu / cCpu,
                String.format(Locale.ROOT, "%s / %s µs", Table.number(ch3Cpu), Table.number(cCpu)), "≤ 1.25", ch3Cpu / cCpu <= 1.25);
        bar(t, "chapter 3 req/s / C reference's", ch3Rate / cRate,
                String.format(Locale.ROOT, "%s / %s", Table.number(ch3Rate), Table.number(cRate)), "≥ 0.9", ch3Rate / cRate >= 0.9);
        bar(t, "chapter 3 CPU per request / java.nio reference's", ch3Cpu / nioCpu,
                String.format(Locale.ROOT, "%s / %s µs", Table.number(ch3Cpu), Table.number(nioCpu)), "≤ 1", ch3Cpu / nioCpu <= 1);
        double gen = versus.medianRate(true);
        double ab = versus.medianRate(false);
        bar(t, "load generator req/s / ab's (C reference)", gen / ab,
                String.format(Locale.ROOT, "%s / %s", Table.number(gen), Table.number(ab)), "≥ 1", gen / ab >= 1);
        return t;
    }

    private static void bar(Table t, String what, double ratio, String figures, String target, boolean met) {
        t.add(what, Double.isNaN(ratio) ? "not measured" : Table.number(ratio) + " (" + figures + ")", target,
                Double.isNaN(ratio) ? "–" : met ? "met" : "missed");
    }

    /** The load generator against ApacheBench, on the same C reference server, in turns. */
    record Versus(Table raw, List<String> clients, String genCli, String abCli, String abMissing) {
        static final String AB = "ab";

        static Versus run(Settings s) {
            long n = s.full() ? 100_000 : 20_000;
            LoadGen.Config gen = LoadGen.Config.forRequests(0, CONCURRENCY, n, 30, "generator vs ab");
            // Also one worker thread, as ab has: the same work per thread, side by side.
            LoadGen.Config one = gen.withThreads(1);
            String abCli = "ab -q -c " + CONCURRENCY + " -n " + n + " http://127.0.0.1:PORT/";
            List<String> clients = List.of(name(gen), name(one), AB);
            Table raw = new Table("client", "rep", "requests", "ok", "failed", "req_per_s", "p50_ms", "p99_ms", "max_ms",
                    "client_cpu_us_per_req", "server_cpu_us_per_req");
            if (!Harness.onPath("ab")) {
                return new Versus(raw, clients, gen.cli(), abCli, "ab is not installed (Debian: apt-get install apache2-utils)");
            }
            if (Server.C_REF.missing() != null) {
                return new Versus(raw, clients, gen.cli(), abCli, "the C reference is not built");
            }
            try (Running r = Harness.start(Server.C_REF, 128)) {
                double warm = Measure.warmUp(r, CONCURRENCY, s.warmup(), s.steadyMax());
                for (int rep = 1; rep <= s.reps(); rep++) {
                    for (LoadGen.Config c : List.of(gen, one)) {
                        Row g = Measure.measure(r, rep, c, Counters.timeWait(), warm);
                        raw.add(name(c), rep, g.result().total(), g.ok(), g.result().errors(), g.result().rate(),
                                g.result().ms(50), g.result().ms(99), g.result().maxMs(), g.clientCpuUs(), g.serverCpuUs());
                    }
                    Ab a = Ab.run(r, CONCURRENCY, n);
                    raw.add(AB, rep, n, a.complete() - a.failed(), a.failed(), a.rate(), a.p50(), a.p99(), a.max(),
                            a.clientCpuUs(), a.serverCpuUs());
                }
            }
            return new Versus(raw, clients, gen.cli(), abCli, null);
        }

        private static String name(LoadGen.Config c) {
            return "bench.LoadGen, " + c.threads() + (c.threads() == 1 ? " thread" : " threads");
        }

        /** Median req/s of the generator as used throughout the bench (first client), or of ab. */
        double medianRate(boolean generator) {
            String client = generator ? clients.get(0) : AB;
            List<Object[]> runs = raw.rows().stream().filter(row -> row[0].equals(client)).toList();
            return runs.isEmpty() ? Double.NaN : col(runs, 5).median();
        }

        String markdown(Settings s) {
            StringBuilder md = new StringBuilder("### The load generator against ab\n\n");
            if (abMissing != null) {
                return md.append("**Not measured: ").append(abMissing).append(".**\n\n").toString();
            }
            md.append("Against one C reference server (backlog 128), in turns: `").append(genCli).append("`, the same with `-w 1`, and `")
                    .append(abCli).append("`").append(s.full() ? ", " + s.reps() + " times each" : "")
                    .append(". Both open a fresh connection per request; ab's latencies are whole milliseconds. ")
                    .append("The rest of the bench uses the generator with ").append(LoadGen.DEFAULT_THREADS).append(" worker threads.\n\n");
            Table t = new Table("client", "req/s", "p50 ms", "p99 ms", "max ms", "failed", "client CPU µs/req", "server CPU µs/req");
            for (String client : clients) {
                List<Object[]> runs = raw.rows().stream().filter(row -> row[0].equals(client)).toList();
                if (runs.isEmpty()) continue;
                t.add(client, col(runs, 5), col(runs, 6), col(runs, 7), col(runs, 8), col(runs, 4), col(runs, 9), col(runs, 10));
            }
            md.append(t.markdown()).append('\n');
            md.append("Client CPU is the generator's whole JVM (its JIT and GC threads too) and, for ab, its process time "
                    + "(cutime + cstime of the shell that waited for it). Most of a client's time is the kernel's: "
                    + "on loopback the connecting process also runs much of the TCP work of the other side.");
            List<Object[]> one = raw.rows().stream().filter(row -> row[0].equals(clients.get(1))).toList();
            List<Object[]> ab = raw.rows().stream().filter(row -> row[0].equals(AB)).toList();
            if (!one.isEmpty() && !ab.isEmpty()) {
                double cpuRatio = col(one, 9).median() / col(ab, 9).median();
                md.append(" With one thread each, the generator spends ").append(Table.number(cpuRatio))
                        .append(" times ab's CPU per request and reaches ").append(Chapters.percent(col(one, 5).median() / col(ab, 5).median()))
                        .append(" of its rate; with two it reaches ").append(Chapters.percent(medianRate(true) / medianRate(false)))
                        .append(" (the second thread puts the second core to work, which single-threaded ab cannot).");
            }
            return md.append("\n\n").toString();
        }

        private static Spread col(List<Object[]> runs, int i) {
            return Spread.of(runs.stream().map(r -> (Number) r[i]).toList());
        }
    }
}
