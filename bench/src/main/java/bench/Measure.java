package bench;

import bench.Server.Running;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import testkit.ChapterProcess;
import testkit.Proc;

/** One measured load row, alike for every experiment: the server's CPU and the kernel's TCP counters around it. */
final class Measure {
    /** Clock ticks per second of /proc/PID/stat's CPU times: USER_HZ, 100 on Linux ({@code getconf CLK_TCK}). */
    static final double HZ = 100;
    private static final long SELF = ProcessHandle.current().pid();
    private static final List<Outcome> ERRORS = Stream.of(Outcome.values()).filter(o -> o != Outcome.OK).toList();

    /** A process's CPU time in ticks: user, system, and the part of both spent by a JVM's JIT compiler threads. */
    record Cpu(long user, long sys, long jit) {
        Cpu minus(Cpu o) {
            return new Cpu(user - o.user, sys - o.sys, jit - o.jit);
        }

        long total() {
            return user + sys;
        }
    }

    static Cpu cpu(long pid) {
        long sys = Proc.systemTicks(pid);
        return new Cpu(Proc.cpuTicks(pid) - sys, sys, Proc.threadCpuTicks(pid, "C1 CompilerThre", "C2 CompilerThre"));
    }

    /** The kernel's TcpExt counters (whole machine: other TCP traffic shows up too). */
    record Tcp(long overflows, long drops, long synRetrans) {
        Tcp minus(Tcp o) {
            return new Tcp(overflows - o.overflows, drops - o.drops, synRetrans - o.synRetrans);
        }
    }

    static Tcp tcp() {
        return new Tcp(Proc.tcpExtCounter("ListenOverflows"), Proc.tcpExtCounter("ListenDrops"),
                Proc.tcpExtCounter("TCPSynRetrans"));
    }

    record Row(Server server, int backlog, LoadGen.Config config, LoadGen.Result result, Cpu cpu, Tcp tcp,
               long clientTicks, double warmupSeconds) {
        long ok() {
            return result.count(Outcome.OK);
        }

        double us(long ticks) {
            return ok() == 0 ? Double.NaN : ticks / HZ * 1e6 / ok();
        }

        /** Server CPU time (user + system, all threads) per OK reply, in microseconds. */
        double cpuUs() {
            return us(cpu.total());
        }

        double rate() {
            return result.rate();
        }
    }

    static List<Row> of(List<Row> rows, Server server) {
        return rows.stream().filter(r -> r.server() == server).toList();
    }

    /** Server CPU per OK reply, µs: all, user, system, the JIT's part; the tables' four CPU columns. */
    static List<Spread> cpuCells(List<Row> rows) {
        return Stream.<ToDoubleFunction<Row>>of(Row::cpuUs, r -> r.us(r.cpu().user()), r -> r.us(r.cpu().sys()),
                r -> r.us(r.cpu().jit())).map(f -> Spread.of(rows, f)).toList();
    }

    static String errors(List<Row> reps) {
        LoadGen.Result sum = new LoadGen.Result();
        reps.forEach(r -> sum.add(r.result()));
        return sum.errorSummary() + (reps.size() > 1 && sum.errors() > 0 ? " (" + reps.size() + " runs)" : "");
    }

    static Row fresh(Server server, int backlog, LoadGen.Config config, Settings s) {
        try (Running r = server.start(backlog)) {
            return run(r, config, warmUp(r, config.concurrency(), s.warmup(), s.warmupMax()));
        }
    }

    /** Measures one run against a started server, and prints it as the bench's progress. */
    static Row run(Running r, LoadGen.Config config, double warmupSeconds) {
        LoadGen.Config c = config.port(r.port());
        Cpu before = cpu(r.pid());
        Tcp tcpBefore = tcp();
        long self = Proc.cpuTicks(SELF);
        LoadGen.Result res = LoadGen.run(c);
        long selfTicks = Proc.cpuTicks(SELF) - self;
        System.err.printf(Locale.ROOT, "  %-28s %5.1f s %,10d ok %,8.0f/s  errors: %s%n", c.label(),
                res.elapsedNanos / 1e9, res.count(Outcome.OK), res.rate(), res.errorSummary());
        return new Row(r.server(), r.backlog(), c, res, cpu(r.pid()).minus(before), tcp().minus(tcpBefore), selfTicks,
                warmupSeconds);
    }

    /**
     * Load until JVM servers (and this generator) run compiled code: at least {@code minSeconds}, then half-second
     * steps until two in a row find the server's JIT threads under 5% of a core, up to {@code maxSeconds}. At most
     * backlog clients, so as not to overflow a small accept queue. Returns the seconds spent.
     */
    static double warmUp(Running r, int concurrency, double minSeconds, double maxSeconds) {
        var w = LoadGen.Config.of(Math.max(1, Math.min(concurrency, r.backlog()))).port(r.port()).deadline(1);
        long start = System.nanoTime();
        LoadGen.run(w.seconds(minSeconds));
        int quiet = 0;
        while (quiet < 2 && (System.nanoTime() - start) / 1e9 < maxSeconds) {
            long jit = cpu(r.pid()).jit();
            LoadGen.run(w.seconds(0.5));
            quiet = cpu(r.pid()).jit() - jit > 0.05 * 0.5 * HZ ? 0 : quiet + 1;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.err.printf(Locale.ROOT, "  warm-up %-20s %5.1f s%s%n", r.server().name().toLowerCase(), seconds,
                quiet < 2 && maxSeconds > minSeconds ? " (JIT still busy)" : "");
        return seconds;
    }

    /** Starts the servers, hands them to {@code work}, and stops them however it ends. */
    static void with(List<Server> servers, int backlog, Consumer<List<Running>> work) {
        List<Running> running = new ArrayList<>();
        try {
            for (Server server : servers) running.add(server.start(backlog));
            work.accept(running);
        } finally {
            running.forEach(Running::close);
        }
    }

    /** Started servers measured in turns, round after round, after a warm-up each; each row to {@code raw} too. */
    static List<Row> rounds(List<Running> servers, ToDoubleFunction<Running> warmUp, int rounds, LoadGen.Config load,
                            String label, Table raw, Object... cells) {
        double[] warm = servers.stream().mapToDouble(warmUp).toArray();
        List<Row> rows = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            for (int i = 0; i < servers.size(); i++) {
                Row row = run(servers.get(i), load.label(servers.get(i).server().name() + label), warm[i]);
                rows.add(addRaw(raw, row, Stream.concat(Stream.of(cells), Stream.of(round)).toArray()));
            }
        }
        return rows;
    }

    /** The same raw columns for every load row, one CSV line per run, after the experiment's own. */
    static Table rawTable(String... extraColumns) {
        return new Table(Stream.of(Stream.of(extraColumns), Stream.of("server", "backlog", "load", "seconds",
                "requests", "ok"), ERRORS.stream().map(o -> o.name().toLowerCase()), Stream.of("req_per_s", "p50_ms",
                "p90_ms", "p99_ms", "p999_ms", "max_ms", "server_user_ticks", "server_sys_ticks", "server_jit_ticks",
                "server_cpu_us_per_req", "client_cpu_us_per_req", "listen_overflows", "listen_drops", "syn_retrans",
                "warmup_s")).flatMap(c -> c).toArray(String[]::new));
    }

    static Row addRaw(Table raw, Row row, Object... extraCells) {
        LoadGen.Result res = row.result();
        raw.add(Arrays.asList(extraCells), row.server().name(), row.backlog(), row.config().cli(),
                res.elapsedNanos / 1e9, res.total(), row.ok(), ERRORS.stream().map(res::count).toList(), res.rate(),
                res.ms(50), res.ms(90), res.ms(99), res.ms(99.9), res.ms(100), row.cpu().user(), row.cpu().sys(),
                row.cpu().jit(), row.cpuUs(), row.us(row.clientTicks()), row.tcp().overflows(), row.tcp().drops(),
                row.tcp().synRetrans(), row.warmupSeconds());
        return row;
    }

    /** One ab run's report, ab's CPU ticks (its shell reads them once it has reaped ab) and the server's CPU. */
    record Ab(String report, long ticks, Cpu server) {
        double number(String regex) {
            return Double.parseDouble(Pattern.compile(regex).matcher(report).results().findFirst().orElseThrow(
                    () -> new IllegalStateException("ab output lacks /" + regex + "/:\n" + report)).group(1));
        }

        long failed() {
            return (long) number("Failed requests:\\s+(\\d+)");
        }
    }

    static Ab ab(Running r, int concurrency, long requests) {
        Cpu before = cpu(r.pid());
        String out = ChapterProcess.output(Duration.ofMinutes(10), List.of("sh", "-c", "ab -q -c " + concurrency
                + " -n " + requests + " http://127.0.0.1:" + r.port() + "/ && cat /proc/$$/stat"));
        String stat = out.strip().lines().reduce((a, b) -> b).orElseThrow();
        return new Ab(out, Proc.statField(stat, 16) + Proc.statField(stat, 17), cpu(r.pid()).minus(before));
    }

    /** The soft and hard limits on open files; the JVM raised its soft limit to the hard one at start-up. */
    static String[] openFileLimits() {
        return Proc.value(Proc.read(Path.of("/proc/self/limits")), "Max open files").orElse("1024 1024").split("\\s+");
    }

    private Measure() {}
}
