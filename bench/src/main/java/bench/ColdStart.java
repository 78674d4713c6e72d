package bench;

import static bench.Settings.*;

import bench.Server.Jvm;
import bench.Server.Running;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * cold: what a student sees running ab against a freshly started server: batches of {@code ab -n 10000 -c 100}
 * one after another, and the server's CPU time per request in each, against the requests served since start.
 * Chapter 3 on the bench's JDK, the C reference, and what standard JVM options do to the curve: C1 only, JDK 25,
 * and JDK 25 with an ahead-of-time cache from a training run (JEP 483 class loading and linking, JEP 515 method
 * profiles, made in one step by JEP 514's -XX:AOTCacheOutput).
 */
final class ColdStart {
    static final Optional<String> JDK25 = Optional.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java")
            .filter(p -> Files.isExecutable(Path.of(p)));
    static final int BATCH = 10_000;
    static final Path AOT = Server.TARGET.resolve("chapter3.aot");
    private static final String C1 = "-XX:TieredStopAtLevel=1";
    private static final double US_PER_TICK = 1e6 / Measure.HZ / BATCH; // CPU ticks in a batch to µs per request

    record Curve(String label, Server server, Jvm jvm) {}

    /** The server's CPU µs per request in the batch after {@code batch} batches, all threads and the JIT's part. */
    record Batch(Curve curve, int batch, double all, double jit) {}

    static void run(Settings s) {
        Page.Data d = new Page.Data("cold", s);
        String jdk = Server.BENCH_JVM.java();
        List<Curve> curves = new ArrayList<>(List.of(new Curve("chapter 3", Server.CH3, jvm(jdk)),
                new Curve("C reference", Server.C_REF, Server.BENCH_JVM)));
        if (s.full()) curves.add(new Curve("chapter 3, C1 only (" + C1 + ")", Server.CH3, jvm(jdk, C1)));
        JDK25.ifPresentOrElse(java -> {
            curves.add(new Curve("chapter 3, JDK 25", Server.CH3, jvm(java)));
            if (d.attempt("the AOT cache", ColdStart::train)) {
                curves.add(new Curve("chapter 3, JDK 25 + AOT cache", Server.CH3, jvm(java, "-XX:AOTCache=" + AOT)));
            }
        }, () -> d.problem("JDK 25", "not installed at /usr/lib/jvm/temurin-25-jdk-amd64: its curves are not drawn"));
        Table raw = new Table("curve", "rep", "served_before", "cpu_us_per_req", "jit_cpu_us_per_req", "failed");
        List<Batch> batches = new ArrayList<>();
        for (int rep = 1; rep <= s.reps(); rep++) {
            for (Curve c : curves) {
                int thisRep = rep;
                d.attempt(c.label(), () -> {
                    try (Running r = c.server().start(BACKLOG, c.jvm())) {
                        for (int b = 0; b < s.batches(); b++) {
                            Measure.Ab ab = Measure.ab(r, C, BATCH);
                            var x = new Batch(c, b, ab.server().total() * US_PER_TICK, ab.server().jit() * US_PER_TICK);
                            batches.add(x);
                            raw.add(c.label(), thisRep, (long) b * BATCH, x.all(), x.jit(), ab.failed());
                        }
                    }
                });
            }
        }
        raw.writeCsv(Page.file("cold.csv"));
        // Per curve, a table column (median (min-max) over the reps, and the JIT's part) and a line on the chart.
        List<String> cols = new ArrayList<>(List.of("requests served before the batch"));
        Object[][] rows = new Object[s.batches()][curves.size()];
        List<Charts.Line> lines = new ArrayList<>();
        for (Curve c : curves) {
            cols.add(c.label() + " µs/req" + (c.server().onJvm() ? ", JIT's part" : ""));
            double[] x = new double[s.batches()], y = new double[s.batches()];
            for (int b = 0; b < y.length; b++) {
                int batch = b;
                List<Batch> reps = batches.stream().filter(r -> r.curve() == c && r.batch() == batch).toList();
                Spread cpu = reps.isEmpty() ? null : Spread.of(reps, Batch::all);
                rows[b][lines.size()] = cpu == null || !c.server().onJvm() ? cpu
                        : Table.format(cpu) + ", JIT " + Table.number(Spread.median(reps, Batch::jit));
                x[b] = (b + 1) * BATCH / 1000.0;
                y[b] = Spread.median(reps, Batch::all);
            }
            lines.add(new Charts.Line(c.label(), x, y, lines.size(), c.label().contains("AOT")));
            double steady = new Spread(Arrays.copyOfRange(y, y.length - 3, y.length)).median();
            String key = c.label().replaceAll("[^A-Za-z0-9]+", "_").replaceAll("_$", "");
            d.put(key + ".first", y[0]).put(key + ".steady", steady)
                    .put(key + ".slow_start", y[0] > 1.2 * steady ? "yes" : "no");
        }
        Table t = new Table(cols.toArray(String[]::new));
        for (int b = 0; b < rows.length; b++) t.add((long) b * BATCH, Arrays.asList(rows[b]));
        Charts.draw("perf-cold.png", "Server CPU per request in each batch of ab -n 10000 -c 100 after start",
                new Charts.Axis("requests served since start, thousands (end of each batch)", false),
                new Charts.Axis("server CPU µs per request", false), lines, null, null);
        d.put("table", t).put("example", Server.CH3.shown(BACKLOG, curves.get(0).jvm())).put("batches", s.batches())
                .put("ab", "ab -q -n " + BATCH + " -c " + C + " http://127.0.0.1:PORT/").save();
    }

    /** Chapter 3's JVMs run it from jars, which an AOT cache requires, so that all its curves compare. */
    private static Jvm jvm(String java, String... flags) {
        return new Jvm(java, List.of(flags), true);
    }

    /** A training run on JDK 25 that writes the AOT cache when the JVM exits (a SIGTERM exits it normally). */
    private static void train() throws IOException {
        Files.deleteIfExists(AOT);
        try (Running r = Server.CH3.start(BACKLOG, jvm(JDK25.get(), "-XX:AOTCacheOutput=" + AOT))) {
            for (int b = 0; b < 3; b++) Measure.ab(r, C, BATCH);
            ProcessHandle.of(r.pid()).ifPresent(ProcessHandle::destroy);
            r.process().awaitExit(Duration.ofMinutes(3));
        }
        if (!Files.exists(AOT)) throw new IllegalStateException("the training run wrote no " + AOT);
    }
}
