package bench;

import bench.Harness.Running;
import bench.Harness.Server;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import testkit.Proc;

/**
 * One measured load row, the same way for every experiment: start a fresh
 * server, warm it up, then run the load with the server's CPU time and the
 * kernel's TCP counters read around it.
 */
final class Measure {
    private static final long SELF = ProcessHandle.current().pid();

    /** A server under one load run, and what the counters said. */
    record Row(Server server, int backlog, int rep, LoadGen.Config config, LoadGen.Result result,
               Counters.Snapshot delta, long clientTicks, long rssKiB, int timeWaitAtStart, double warmupSeconds) {
        long ok() {
            return result.count(Outcome.OK);
        }

        /** Server CPU time (user + system, all threads) per OK reply, in microseconds. */
        double serverCpuUs() {
            return ok() == 0 ? Double.NaN : delta.cpuSeconds() * 1e6 / ok();
        }

        /** The part of {@link #serverCpuUs()} spent by the JVM's JIT compiler threads. */
        double jitCpuUs() {
            return ok() == 0 ? Double.NaN : (double) delta.jitTicks() / Counters.CLK_TCK * 1e6 / ok();
        }

        /** The generator's (this JVM's) CPU time per OK reply, in microseconds. */
        double clientCpuUs() {
            return ok() == 0 ? Double.NaN : (double) clientTicks / Counters.CLK_TCK * 1e6 / ok();
        }
    }

    /** Runs {@code config} (its port is replaced) against a fresh {@code server}, warmed up within {@code s}' bounds. */
    static Row load(Server server, int backlog, int rep, LoadGen.Config config, Settings s) {
        return load(server, backlog, rep, config, s, s.warmupMax());
    }

    /** As above, with the warm-up allowed up to {@code warmupMax} seconds. */
    static Row load(Server server, int backlog, int rep, LoadGen.Config config, Settings s, double warmupMax) {
        int tw = Counters.timeWait();
        try (Running r = Harness.start(server, backlog)) {
            double warm = warmUp(r, config.concurrency(), s.warmup(), warmupMax);
            return measure(r, rep, config, tw, warm);
        }
    }

    /** Measures one run against an already started (and warmed) server. */
    static Row measure(Running r, int rep, LoadGen.Config config, int timeWaitAtStart, double warmupSeconds) {
        LoadGen.Config c = new LoadGen.Config(new java.net.InetSocketAddress(config.target().getAddress(), r.port()),
                config.concurrency(), config.requests(), config.durationNanos(), config.deadlineNanos(),
                config.threads(), config.label(), config.progress());
        Counters.Snapshot before = Counters.snapshot(r.pid());
        long selfBefore = Proc.cpuTicks(SELF);
        LoadGen.Result result = LoadGen.run(c);
        long selfTicks = Proc.cpuTicks(SELF) - selfBefore;
        Counters.Snapshot delta = Counters.snapshot(r.pid()).minus(before);
        return new Row(r.server(), r.backlog(), rep, c, result, delta, selfTicks, Proc.rssKiB(r.pid()), timeWaitAtStart,
                warmupSeconds);
    }

    /**
     * Load before measuring, so JVM servers (and this generator) run compiled
     * code: at least {@code minSeconds}, then on in half-second steps while the
     * server's JIT compiler threads are still busy (over 5% of a core), up to
     * {@code maxSeconds}. Concurrency at most the backlog, so the warm-up itself
     * does not overflow a small accept queue and wait out SYN retransmits.
     * Returns the seconds spent.
     */
    static double warmUp(Running r, int concurrency, double minSeconds, double maxSeconds) {
        if (minSeconds <= 0) return 0;
        int c = Math.max(1, Math.min(concurrency, r.backlog()));
        long start = System.nanoTime();
        warmLoad(r, c, minSeconds);
        // The JIT works in bursts: quiet means two quiet half-seconds in a row.
        int quiet = 0;
        boolean busy = true;
        while (quiet < 2 && (System.nanoTime() - start) / 1e9 < maxSeconds) {
            long jit = Counters.jitTicks(r.pid());
            warmLoad(r, c, 0.5);
            busy = Counters.jitTicks(r.pid()) - jit > 0.05 * 0.5 * Counters.CLK_TCK;
            quiet = busy ? 0 : quiet + 1;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.err.printf(Locale.ROOT, "  warm-up %-20s %5.1f s at c=%d%s%n", r.server().name().toLowerCase(), seconds, c,
                busy && maxSeconds > minSeconds ? " (JIT still busy)" : "");
        return seconds;
    }

    /** The adaptive warm-up with this run's bounds. */
    static double warmUp(Running r, int concurrency, Settings s) {
        return warmUp(r, concurrency, s.warmup(), s.warmupMax());
    }

    private static void warmLoad(Running r, int c, double seconds) {
        LoadGen.Config w = LoadGen.Config.forDuration(r.port(), c, seconds, 1, "warm-up");
        LoadGen.run(new LoadGen.Config(w.target(), w.concurrency(), 0, w.durationNanos(), w.deadlineNanos(), w.threads(),
                w.label(), false));
    }

    /** The same raw columns for every load row, one CSV line per run. */
    static Table rawTable(String... extraColumns) {
        List<String> cols = new ArrayList<>(List.of(extraColumns));
        cols.addAll(List.of("server", "backlog", "concurrency", "rep", "load", "seconds", "requests", "ok"));
        for (Outcome o : Outcome.values()) if (o != Outcome.OK) cols.add(o.name().toLowerCase());
        cols.addAll(List.of("req_per_s", "p50_ms", "p90_ms", "p99_ms", "p999_ms", "max_ms", "server_cpu_s",
                "server_cpu_us_per_req", "server_jit_cpu_us_per_req", "client_cpu_us_per_req", "listen_overflows",
                "listen_drops", "syn_retrans", "server_rss_kib", "time_wait_at_start", "warmup_s"));
        return new Table(cols.toArray(String[]::new));
    }

    static void addRaw(Table raw, Row row, Object... extraCells) {
        List<Object> cells = new ArrayList<>(List.of(extraCells));
        LoadGen.Result res = row.result();
        cells.addAll(List.of(row.server().name(), row.backlog(), row.config().concurrency(), row.rep(),
                row.config().cli(), res.elapsedNanos / 1e9, res.total(), res.count(Outcome.OK)));
        for (Outcome o : Outcome.values()) if (o != Outcome.OK) cells.add(res.count(o));
        cells.addAll(List.of(res.rate(), res.ms(50), res.ms(90), res.ms(99), res.ms(99.9), res.maxMs(),
                row.delta().cpuSeconds(), row.serverCpuUs(), row.jitCpuUs(), row.clientCpuUs(), row.delta().listenOverflows(),
                row.delta().listenDrops(), row.delta().synRetrans(), row.rssKiB(), row.timeWaitAtStart(), row.warmupSeconds()));
        raw.add(cells.toArray());
    }

    /** One figure over the repetitions of a row. */
    static Spread spread(List<Row> reps, ToDoubleFunction<Row> figure) {
        return new Spread(reps.stream().mapToDouble(figure).toArray());
    }

    private Measure() {}
}
