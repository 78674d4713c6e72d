package bench;

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
import java.util.stream.IntStream;

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
    static final int C = 100;
    static final int BACKLOG = 128;
    static final Path AOT = Server.TARGET.resolve("chapter3.aot");

    /** A curve: a server on a JVM with flags. */
    record Curve(String label, Server server, Jvm jvm) {}

    /** One batch: which, how many served before it, the CPU per request in it (all threads, and the JIT's part). */
    record Batch(String curve, int rep, long servedBefore, double cpuUs, double jitUs, long failed) {}

    static void run(Settings s) {
        Page.Data d = new Page.Data("cold", s);
        String jdk = Server.BENCH_JVM.java();
        List<Curve> curves = new ArrayList<>(List.of(new Curve("chapter 3", Server.CH3, new Jvm(jdk, List.of(), true)),
                new Curve("C reference", Server.C_REF, Server.BENCH_JVM)));
        if (s.full()) {
            curves.add(new Curve("chapter 3, C1 only (-XX:TieredStopAtLevel=1)", Server.CH3,
                    new Jvm(jdk, List.of("-XX:TieredStopAtLevel=1"), true)));
        }
        if (JDK25.isPresent()) {
            curves.add(new Curve("chapter 3, JDK 25", Server.CH3, new Jvm(JDK25.get(), List.of(), true)));
            if (d.attempt("the AOT cache", ColdStart::train)) {
                curves.add(new Curve("chapter 3, JDK 25 + AOT cache", Server.CH3,
                        new Jvm(JDK25.get(), List.of("-XX:AOTCache=" + AOT), true)));
            }
        } else {
            d.problem("JDK 25", "not installed at /usr/lib/jvm/temurin-25-jdk-amd64: its curves are not drawn");
        }
        List<Batch> batches = new ArrayList<>();
        for (int rep = 1; rep <= s.reps(); rep++) {
            for (Curve c : curves) {
                int thisRep = rep;
                d.attempt(c.label(), () -> {
                    try (Running r = c.server().start(BACKLOG, c.jvm())) {
                        for (int b = 0; b < s.batches(); b++) {
                            Measure.Cpu before = Measure.cpu(r.pid());
                            long failed = ab(r.port());
                            Measure.Cpu used = Measure.cpu(r.pid()).minus(before);
                            batches.add(new Batch(c.label(), thisRep, (long) b * BATCH, used.total() / Measure.HZ * 1e6 / BATCH,
                                    used.jit() / Measure.HZ * 1e6 / BATCH, failed));
                        }
                    }
                });
            }
        }
        Table raw = new Table("curve", "rep", "served_before", "cpu_us_per_req", "jit_cpu_us_per_req", "failed");
        batches.forEach(b -> raw.add(b.curve(), b.rep(), b.servedBefore(), b.cpuUs(), b.jitUs(), b.failed()));
        raw.writeCsv(Page.file("cold.csv"));
        List<String> cols = new ArrayList<>(List.of("requests served before the batch"));
        curves.forEach(c -> cols.add(c.label() + " µs/req" + (c.server().onJvm() ? ", JIT's part" : "")));
        Table t = new Table(cols.toArray(String[]::new));
        for (int b = 0; b < s.batches(); b++) {
            List<Object> row = new ArrayList<>();
            for (Curve c : curves) {
                List<Batch> cell = cell(batches, c, b);
                Spread cpu = cell.isEmpty() ? null : Spread.of(cell, Batch::cpuUs);
                row.add(cpu == null || !c.server().onJvm() ? cpu
                        : Table.format(cpu) + ", JIT " + Table.number(Spread.median(cell, Batch::jitUs)));
            }
            t.add((long) b * BATCH, row);
        }
        List<Charts.Line> lines = new ArrayList<>();
        double[] x = IntStream.range(0, s.batches()).mapToDouble(b -> (b + 1) * BATCH / 1000.0).toArray();
        for (Curve c : curves) {
            double[] y = IntStream.range(0, s.batches()).mapToDouble(b -> Spread.median(cell(batches, c, b), Batch::cpuUs))
                    .toArray();
            lines.add(new Charts.Line(c.label(), x, y, lines.size(), c.label().contains("AOT")));
            if (y.length > 3) {
                double steady = new Spread(Arrays.copyOfRange(y, y.length - 3, y.length)).median();
                String key = c.label().replaceAll("[^A-Za-z0-9]+", "_").replaceAll("_$", "");
                d.put(key + ".first", y[0]).put(key + ".steady", steady)
                        .put(key + ".slow_start", y[0] > 1.2 * steady ? "yes" : "no");
            }
        }
        Charts.draw("perf-cold.png", "Server CPU per request in each batch of ab -n 10000 -c 100 after start",
                new Charts.Axis("requests served since start, thousands (end of each batch)", false),
                new Charts.Axis("server CPU µs per request", false), lines, null, null);
        d.put("table", t).put("example", Server.CH3.shown(BACKLOG, curves.get(0).jvm())).put("batches", s.batches())
                .put("ab", "ab -q -n " + BATCH + " -c " + C + " http://127.0.0.1:PORT/").save();
    }

    /** A training run on JDK 25 that writes the AOT cache when the JVM exits (a SIGTERM exits it normally). */
    private static void train() throws IOException {
        Files.deleteIfExists(AOT);
        try (Running r = Server.CH3.start(BACKLOG, new Jvm(JDK25.get(), List.of("-XX:AOTCacheOutput=" + AOT), true))) {
            for (int b = 0; b < 3; b++) ab(r.port());
            ProcessHandle.of(r.pid()).ifPresent(ProcessHandle::destroy);
            r.process().awaitExit(Duration.ofMinutes(3));
        }
        if (!Files.exists(AOT)) throw new IllegalStateException("the training run wrote no " + AOT);
    }

    /** One batch of ab against a port; returns its failed requests. */
    private static long ab(int port) {
        return (long) Measure.ab(port, C, BATCH).number("Failed requests:\\s+(\\d+)");
    }

    /** The reps of one curve's batch number {@code b}. */
    private static List<Batch> cell(List<Batch> batches, Curve c, int b) {
        return batches.stream().filter(x -> x.curve().equals(c.label()) && x.servedBefore() == (long) b * BATCH).toList();
    }
}
